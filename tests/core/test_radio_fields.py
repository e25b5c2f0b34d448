"""Radio buttons are drawn as radio buttons (issue #13: 回头看's 整改措施是否落实 showed empty
text boxes): Styled gives them Bootstrap's check class and the field component lays them out."""

from django.template.loader import render_to_string

from anying.oversight.forms_accidents import LookBackForm


def test_a_radio_choice_is_a_check_input_not_a_text_box():
    form = LookBackForm()
    assert form.fields["implemented"].widget.attrs["class"] == "form-check-input"
    html = render_to_string("components/field.html", {"field": form["implemented"]})
    assert html.count('type="radio"') == 2 and "form-control" not in html
    assert html.count('class="form-check"') == 2 and "已落实" in html and "未完全落实" in html
    assert 'role="radiogroup"' in html


def test_text_fields_keep_the_text_box():
    form = LookBackForm()
    assert "form-control" in render_to_string("components/field.html", {"field": form["findings"]})
