"""Reference data is loaded from the shipped files, complete where the files are, and citable."""

import pytest
from django.test import Client
from django.urls import reverse

from anying.standards.models import AccidentType, CriteriaSet, Criterion


def test_gongmao_criteria_are_loaded_whole(db):
    gongmao = CriteriaSet.objects.get(code="gongmao_2023")
    assert gongmao.document == "应急管理部令第10号" and str(gongmao.in_force) == "2023-05-15"
    assert gongmao.loaded_items == 64 and gongmao.complete
    assert list(gongmao.industries.values_list("name", flat=True)) == ["工贸"]
    item = Criterion.objects.get(criteria_set=gongmao, article="第十一条", item="（三）")
    assert item.reference == "第十一条（三）" and "泄爆" in item.text and item.verification


def test_huagong_criteria_have_twenty_items(db):
    assert CriteriaSet.objects.get(code="huagong_2017").criteria.filter(is_item=True).count() == 20


def test_a_set_with_fewer_items_than_the_official_text_is_incomplete(db):
    gongmao = CriteriaSet.objects.get(code="gongmao_2023")
    gongmao.expected_items = 65
    assert not gongmao.complete


def test_gb6441_accident_types(db):
    basic = AccidentType.objects.filter(group="基本事故类型")
    assert basic.count() == 27
    assert AccidentType.objects.get(code="WSA10001").name == "物体打击"
    assert AccidentType.objects.get(code="WSA10099").name == "其他"


def test_loading_twice_changes_nothing(db):
    from django.apps import apps

    from anying.standards.loaders import load_accident_types, load_criteria

    before = Criterion.objects.count(), AccidentType.objects.count()
    load_criteria(CriteriaSet, Criterion, apps.get_model("core", "Industry"))
    load_accident_types(AccidentType)
    assert (Criterion.objects.count(), AccidentType.objects.count()) == before


def test_reference_pages(users, login):
    client = login(users["jiuxian"])
    body = client.get(reverse("criteria_list")).content.decode()
    assert "已收录全部 64 项" in body and "物体打击" in body
    body = client.get(reverse("criteria_detail", args=["gongmao_2023"]) + "?q=干式除尘").content.decode()
    assert "第十一条（三）" in body and "第四条" not in body
    assert client.get(reverse("criteria_detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize("code", ["gongmao_2023", "huagong_2017"])
def test_reference_pages_need_login(db, code):
    assert Client().get(reverse("criteria_detail", args=[code])).status_code == 302
