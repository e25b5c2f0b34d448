"""现场检查: a frozen checklist answered item by item, ≥ 2 eligible inspectors who sign,
findings registered as hazards, 执法清零 when every finding is closed; scope and refusals."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.hazards import services as hazard_services
from anying.hazards.models import Hazard
from anying.inspections import documents, records
from anying.inspections.models import Inspection
from anying.inspections.records import Finding
from tests.conftest import photo

RECTIFY = {"responsible_person": "王主任", "measures": "清理", "deadline": timezone.localdate() + dt.timedelta(days=5)}


def answer(template, fails=None, ent=None):
    """Every item that applies to the enterprise (by default the setup's 旧县机械厂) answered 符合,
    but for `fails`."""
    from anying.registry.models import Enterprise

    fails = fails or {}
    ent = ent or Enterprise.objects.filter(name="旧县机械厂").order_by("pk").first()
    return {i.pk: fails.get(i.pk, Finding("ok")) for i in records.applicable_items(template, ent)}


def kwargs(s, **extra):
    now = timezone.now()
    return {"checklist": s["template"], "inspectors": s["people"][:2], "started_at": now - dt.timedelta(hours=1),
            "ended_at": now, "results": answer(s["template"]), "signatures": ["陈执法", "李执法"],
            "enterprise_signatory": "张厂长", "scope_text": "生产车间",
            "rectify_by": timezone.localdate() + dt.timedelta(days=10), **extra}


def test_findings_become_hazards_and_clear_the_inspection(setup, users):
    s = setup
    items = list(s["template"].items.all())
    major, custom = items[0], items[-1]
    results = answer(s["template"], {major.pk: Finding("fail", "除尘器未设泄爆", "除尘房"),
                                     custom.pk: Finding("fail", "安全出口堵塞", "一车间")})
    inspection = records.record(users["yingji"], s["ent"], **kwargs(s, results=results))
    hazards = {h.place: h for h in Hazard.objects.all()}
    assert hazards["除尘房"].level == "major" and hazards["除尘房"].criterion_id == major.criterion_id
    assert hazards["一车间"].level == "general" and hazards["一车间"].channel == "inspection"
    assert inspection.status == "open" and inspection.inspectors.count() == 2
    general = hazards["一车间"]
    hazard_services.transition(s["ent"].user, general.pk, "start", changes=RECTIFY)
    hazard_services.transition(s["ent"].user, general.pk, "submit", comment="已清理", files=[photo()])
    hazard_services.transition(users["yingji"], general.pk, "close", comment="复查合格")
    inspection.refresh_from_db()
    assert inspection.status == "open"  # the major finding is still open
    Hazard.objects.filter(pk=hazards["除尘房"].pk).update(status="closed")
    records.on_hazard_closed(hazards["除尘房"])
    inspection.refresh_from_db()
    assert inspection.status == "cleared"


def test_an_inspection_without_findings_is_cleared_at_once(setup, users):
    inspection = records.record(users["yingji"], setup["ent"], **kwargs(setup))
    assert inspection.status == Inspection.Status.CLEARED and not Hazard.objects.exists()


@pytest.mark.parametrize("change, field", [
    ({"inspectors": "one"}, "inspectors"),
    ({"inspectors": "excluded"}, "inspectors"),
    ({"inspectors": "lapsed"}, "inspectors"),
    ({"signatures": ["陈执法"]}, "signatures"),
    ({"enterprise_signatory": " "}, "enterprise_signatory"),
    ({"results": {}}, "results"),
])
def test_refusals_change_nothing(setup, users, change, field):
    s = setup
    people = {"one": s["people"][:1], "excluded": [s["people"][0], s["people"][2]],
              "lapsed": [s["people"][0], s["lapsed"]]}
    if change.get("inspectors") in people:
        change = {**change, "inspectors": people[change["inspectors"]],
                  "signatures": [p.name for p in people[change["inspectors"]]]}
    with pytest.raises(ValidationError) as exc:
        records.record(users["yingji"], s["ent"], **kwargs(s, **change))
    assert field in exc.value.message_dict
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_scope_and_rights(setup, users, login):
    s = setup
    with pytest.raises(PermissionDenied):
        records.record(users["hufeng"], s["ent"], **kwargs(s))  # another town's enterprise
    with pytest.raises(PermissionDenied):
        records.record(users["leader"], s["ent"], **kwargs(s))  # leaders do not inspect
    inspection = records.record(users["yingji"], s["ent"], **kwargs(s))
    assert login(users["hufeng"]).get(reverse("inspection_detail", args=[inspection.pk])).status_code == 404
    assert login(users["jiuxian"]).get(reverse("inspection_detail", args=[inspection.pk])).status_code == 200
    assert login(s["ent"].user).get(reverse("inspection_create", args=[s["ent"].pk])).status_code == 404


def test_recording_from_the_enterprise_page(setup, users, login):
    s = setup
    client = login(users["yingji"])
    assert reverse("inspection_create", args=[s["ent"].pk]) in client.get(
        reverse("enterprise_detail", args=[s["ent"].pk])).content.decode()
    items = list(s["template"].items.all())
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {"inspectors": [p.pk for p in s["people"][:2]], "started_at": now, "ended_at": now, "scope_text": "车间",
            "signatures": "陈执法、李执法", "enterprise_signatory": "张厂长",
            "rectify_by": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            **{f"result_{i.pk}": "ok" for i in items}}
    data[f"result_{items[-1].pk}"], data[f"note_{items[-1].pk}"] = "fail", "安全出口堵塞"
    response = client.post(reverse("inspection_create", args=[s["ent"].pk]), data)
    inspection = Inspection.objects.get()
    assert response["Location"] == reverse("inspection_detail", args=[inspection.pk])
    body = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert "安全出口堵塞" in body and "整改中" in body
    assert "1" in client.get(reverse("inspection_list")).content.decode()


def docx_text(content: bytes) -> str:
    import io

    from docx import Document

    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_documents_are_numbered_and_carry_their_fields(setup, users, login, settings):
    settings.ANYING_ENFORCEMENT_ORG = "铜"
    s = setup
    custom = list(s["template"].items.all())[-1]
    year = timezone.localdate().year
    first = records.record(users["yingji"], s["ent"], **kwargs(s, results=answer(
        s["template"], {custom.pk: Finding("fail", "安全出口堵塞", "一车间")})))
    second = records.record(users["yingji"], s["ent"], **kwargs(s))  # no findings: no order
    numbers = {(d.inspection_id, d.kind): d.number for d in first.documents.all() | second.documents.all()}
    assert numbers[(first.pk, "site_record")] == f"铜安监现记〔{year}〕1号"
    assert numbers[(second.pk, "site_record")] == f"铜安监现记〔{year}〕2号"
    assert numbers[(first.pk, "rectification_order")] == f"铜安监责改〔{year}〕1号"
    assert (second.pk, "rectification_order") not in numbers
    client = login(users["jiuxian"])
    site = first.documents.get(kind="site_record")
    text = docx_text(client.get(reverse("inspection_document", args=[first.pk, site.pk])).getvalue())
    for expected in ("现场检查记录", site.number, "旧县机械厂", "生产车间", "陈执法", "C0", "张厂长", "安全出口堵塞"):
        assert expected in text
    order = first.documents.get(kind="rectification_order")
    text = docx_text(client.get(reverse("inspection_document", args=[first.pk, order.pk])).getvalue())
    for expected in ("责令限期整改指令书", "安全出口堵塞", "60日", "6个月", "本指令不停止执行"):
        assert expected in text
    assert login(users["hufeng"]).get(reverse("inspection_document", args=[first.pk, order.pk])).status_code == 404


def test_review_opinion_lists_what_passed(setup, users):
    s = setup
    items = list(s["template"].items.all())
    inspection = records.record(users["yingji"], s["ent"], **kwargs(s, results=answer(s["template"], {
        items[-1].pk: Finding("fail", "安全出口堵塞", "一车间"), items[0].pk: Finding("fail", "未设泄爆", "除尘房")})))
    hazard = Hazard.objects.get(place="一车间")
    assert hazard.deadline == timezone.localdate() + dt.timedelta(days=10)  # the order's deadline
    Hazard.objects.filter(pk=hazard.pk).update(status="closed")
    with pytest.raises(ValidationError):
        documents.issue_review(users["yingji"], inspection.pk, again_by=None)  # one still open: needs a date
    with pytest.raises(PermissionDenied):
        documents.issue_review(users["jiuxian"], inspection.pk, again_by=timezone.localdate() + dt.timedelta(days=5))
    review = documents.issue_review(users["yingji"], inspection.pk, again_by=timezone.localdate() + dt.timedelta(days=5))
    assert [f["text"][:6] for f in review.data["passed"]] == ["安全出口堵塞"]
    assert [f["text"][:4] for f in review.data["failed"]] == ["未设泄爆"]
    assert "未设泄爆" in docx_text(documents.render(review))


def test_missing_rectification_deadline_changes_nothing(setup, users):
    s = setup
    custom = list(s["template"].items.all())[-1]
    with pytest.raises(ValidationError) as exc:
        records.record(users["yingji"], s["ent"], **kwargs(s, rectify_by=None, results=answer(
            s["template"], {custom.pk: Finding("fail", "堵塞")})))
    assert "rectify_by" in exc.value.message_dict
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_an_inspection_started_from_a_drawn_target_is_linked(setup, users, login):
    from anying.inspections import draws

    s = setup
    record = draws.draw(users["yingji"], s["bureau"], title="抽查", targets=1, ratios={"key": 1})
    target = record.targets.get()
    client = login(users["yingji"])
    detail = client.get(reverse("draw_detail", args=[record.pk])).content.decode()
    url = reverse("inspection_create", args=[s["ent"].pk]) + f"?draw_target={target.pk}"
    assert url in detail.replace("&amp;", "&")
    assert "双随机抽取第" in client.get(url).content.decode()
    items = list(s["template"].items.all())
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    team = list(target.inspectors.all())
    client.post(url, {"inspectors": [p.pk for p in team], "started_at": now, "ended_at": now, "scope_text": "车间",
                      "signatures": "、".join(p.name for p in team), "enterprise_signatory": "张厂长",
                      **{f"result_{i.pk}": "ok" for i in items}})
    assert Inspection.objects.get().draw_target == target
