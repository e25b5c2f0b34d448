"""Honest inspection checklists (issue #13): only the items that apply to the enterprise's
industry and risk tags, none answered in advance, a record with an unanswered item refused by
the service (naming the items) and by the page, and photos kept through a refused save."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core.attachments import attachments_of, held
from anying.core.models import Attachment
from anying.hazards.models import Hazard
from anying.inspections import records
from anying.inspections.models import Inspection
from anying.inspections.records import Finding
from tests.conftest import photo
from tests.inspections.test_records import answer, kwargs


def categories(items):
    return {i.criterion.category.split("（")[0] if i.criterion else "自定义" for i in items}


def test_a_machinery_firm_with_dust_gets_its_items_only(setup, make_enterprise):
    items = records.applicable_items(setup["template"], setup["ent"])  # 机械, tag 粉尘涉爆
    assert categories(items) == {"通用", "机械", "粉尘涉爆", "自定义"}
    assert not any("高炉" in i.text or "炼钢" in i.text for i in items)
    assert len(items) == 3 + 7 + 10 + 1 < setup["template"].items.count() == 65
    plain = make_enterprise("虎峰机械厂", "虎峰镇", "机械")  # no tag: no 粉尘 items
    assert categories(records.applicable_items(setup["template"], plain)) == {"通用", "机械", "自定义"}
    cold = make_enterprise("冷库", "虎峰镇", "商贸", tags=["ammonia", "confined_space"])
    assert categories(records.applicable_items(setup["template"], cold)) == {"通用", "使用液氨制冷", "有限空间", "自定义"}
    steel = make_enterprise("钢厂", "虎峰镇", "冶金")
    assert "冶金" in categories(records.applicable_items(setup["template"], steel))


def test_an_enterprise_filed_only_as_gongmao_is_asked_every_sector(setup, make_enterprise):
    broad = make_enterprise("某工贸企业", "虎峰镇", "工贸")
    found = categories(records.applicable_items(setup["template"], broad))
    assert {"冶金", "有色", "建材", "机械", "轻工", "纺织", "烟草"} <= found and "粉尘涉爆" not in found


def test_an_unanswered_item_refuses_the_record_naming_it(setup, users):
    items = records.applicable_items(setup["template"], setup["ent"])
    results = answer(setup["template"], {items[-1].pk: Finding("fail", "安全出口堵塞", "一车间")})
    del results[items[2].pk], results[items[5].pk]
    with pytest.raises(ValidationError) as refused:
        records.record(users["yingji"], setup["ent"], **kwargs(setup, results=results))
    message = refused.value.message_dict["results"][0]
    assert message.startswith("第 3 项（") and "、第 6 项（" in message
    assert "未作答：请逐项选择符合、不符合或不涉及" in message
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_an_answer_for_an_item_that_does_not_apply_is_refused(setup, users):
    steel_item = setup["template"].items.filter(criterion__category="冶金").first()
    results = {**answer(setup["template"]), steel_item.pk: Finding("ok")}
    with pytest.raises(ValidationError, match="不适用于该企业"):
        records.record(users["yingji"], setup["ent"], **kwargs(setup, results=results))
    assert not Inspection.objects.exists()


def test_a_finding_without_its_problem_names_the_item(setup, users):
    items = records.applicable_items(setup["template"], setup["ent"])
    results = answer(setup["template"], {items[1].pk: Finding("fail", " ")})
    with pytest.raises(ValidationError, match="第 2 项（.*）为不符合，须写明存在的问题"):
        records.record(users["yingji"], setup["ent"], **kwargs(setup, results=results))


def form_data(setup, items, **results):
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {"inspectors": [p.pk for p in setup["people"][:2]], "started_at": now, "ended_at": now,
            "scope_text": "车间", "signatures": "陈执法、李执法", "enterprise_signatory": "张厂长",
            "rectify_by": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            **{f"result_{i.pk}": "ok" for i in items}, **results}


def test_the_page_starts_unanswered_and_keeps_answers_and_photos_through_a_refusal(setup, users, login):
    s = setup
    client = login(users["yingji"])
    url = reverse("inspection_create", args=[s["ent"].pk])
    page = client.get(url).content.decode()
    items = records.applicable_items(s["template"], s["ent"])
    assert page.count('type="radio"') == 3 * len(items) and " checked" not in page.split("检查项目")[1]
    assert "另有 44 项不适用于本企业" in page and "高炉" not in page
    exit_item = items[-1]
    data = form_data(s, items, **{f"result_{exit_item.pk}": "fail", f"note_{exit_item.pk}": "安全出口堵塞",
                                  f"photos_{exit_item.pk}": photo("exit.png")})
    del data[f"result_{items[4].pk}"]
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and not Inspection.objects.exists()
    assert "第 5 项：请选择符合、不符合或不涉及" in body and "第 5 项未作答" in body
    assert "已保留上次选择的照片" in body and "exit.png" in body and 'value="fail" class="form-check-input" id' in body.replace(" checked", "")
    token = body.split('name="form_token" value="')[1].split('"')[0]
    kept = list(held(users["yingji"], f"inspection:{token}:"))
    assert [a.original_name for a in kept] == ["exit.png"]
    # answered now; the photo is not chosen again
    data = form_data(s, items, form_token=token, **{f"result_{exit_item.pk}": "fail",
                                                    f"note_{exit_item.pk}": "安全出口堵塞"})
    response = client.post(url, data)
    inspection = Inspection.objects.get()
    assert response["Location"] == reverse("inspection_detail", args=[inspection.pk])
    hazard = Hazard.objects.get()
    assert [a.original_name for a in attachments_of(hazard)] == ["exit.png"]
    assert not held(users["yingji"], f"inspection:{token}:").exists()


def test_a_held_photo_can_be_removed_and_is_never_someone_elses(setup, users, login):
    s = setup
    client = login(users["yingji"])
    url = reverse("inspection_create", args=[s["ent"].pk])
    items = records.applicable_items(s["template"], s["ent"])
    first = items[0]
    data = form_data(s, items, **{f"photos_{first.pk}": photo("a.png"), "enterprise_signatory": ""})
    token = client.post(url, data).content.decode().split('name="form_token" value="')[1].split('"')[0]
    kept = held(users["yingji"], f"inspection:{token}:").get()
    # another inspector posting the same token sees and adopts nothing of it
    other = login(users["jiuxian"])
    assert "a.png" not in other.post(url, {"form_token": token}).content.decode()
    body = client.post(url, {**form_data(s, items, enterprise_signatory=""), "form_token": token,
                             "drop_photo": [kept.pk]}).content.decode()
    assert "a.png" not in body and not Attachment.objects.filter(pk=kept.pk).exists()


def test_photos_of_an_abandoned_form_are_swept_by_the_tick(setup, users, login):
    from django.core.management import call_command

    from anying.core.attachments import HELD_FOR, hold

    kept = hold(users["yingji"], photo("left.png"), "inspection:abandonedtoken1234:1:")
    fresh = hold(users["yingji"], photo("fresh.png"), "inspection:stillopentoken1234:1:")
    Attachment.objects.filter(pk=kept.pk).update(uploaded_at=timezone.now() - HELD_FOR - dt.timedelta(minutes=1))
    call_command("tick", verbosity=0)
    assert list(Attachment.objects.values_list("pk", flat=True)) == [fresh.pk]
