"""Hazard pages: register with photos, act from the detail page, to-do list, scope."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anying.core.models import Attachment
from anying.hazards.models import Hazard
from tests.conftest import png_bytes


def photo(name="现场.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def test_inspector_registers_a_hazard_with_photos(factory, users, login):
    client = login(users["jiuxian"])
    ent = factory.enterprise
    page = client.get(reverse("enterprise_detail", args=[ent.pk])).content.decode()
    assert reverse("hazard_create", args=[ent.pk]) in page
    response = client.post(reverse("hazard_create", args=[ent.pk]), {
        "place": "喷涂车间", "description": "安全出口堵塞", "category": "site", "level": "general", "channel": "inspection",
        "found_by": "刘旧县", "found_on": timezone.localdate().isoformat(), "photos": [photo(), photo("2.png")]})
    hazard = Hazard.objects.get(place="喷涂车间")
    assert response["Location"] == reverse("hazard_detail", args=[hazard.pk])
    assert Attachment.objects.filter(object_id=str(hazard.pk)).count() == 2
    body = client.get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert "开始整改" in body and "登记隐患" in body


def test_major_without_criterion_and_broken_photo_change_nothing(factory, users, login):
    client = login(users["jiuxian"])
    base = {"place": "除尘器", "description": "无泄爆", "category": "site", "channel": "inspection", "found_by": "x",
            "found_on": timezone.localdate().isoformat()}
    body = client.post(reverse("hazard_create", args=[factory.enterprise.pk]), {**base, "level": "major"}).content.decode()
    assert "判定标准" in body
    fake = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\nxxxx", content_type="image/png")
    body = client.post(reverse("hazard_create", args=[factory.enterprise.pk]),
                       {**base, "level": "general", "photos": [fake]}).content.decode()
    assert "图片已损坏" in body
    assert not Hazard.objects.exists() and not Attachment.objects.exists()


def test_criteria_offered_match_the_enterprise_industry(factory, users, login):
    form = login(users["jiuxian"]).get(reverse("hazard_create", args=[factory.enterprise.pk])).context["form"]
    sets = set(form.fields["criterion"].queryset.values_list("criteria_set__code", flat=True))
    assert sets == {"gongmao_2023"}


def test_act_from_the_detail_page_with_evidence(factory, users, login, enterprise_user):
    hazard = factory()
    owner = login(enterprise_user(factory.enterprise))
    url = lambda name: reverse("hazard_transition", args=[hazard.pk, name])  # noqa: E731
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    owner.post(url("start"), {"responsible_person": "王主任", "measures": "清理通道", "deadline": deadline})
    assert Hazard.objects.get(pk=hazard.pk).status == "rectifying"
    response = owner.post(url("submit"), {"comment": "已清理"}, follow=True)
    assert "须附整改后的照片" in response.content.decode()
    owner.post(url("submit"), {"comment": "已清理", "evidence": [photo()]})
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"
    assert owner.post(url("close")).status_code == 302 and Hazard.objects.get(pk=hazard.pk).status == "submitted"
    inspector = login(users["jiuxian"])
    todo = inspector.get(reverse("todo") + "?source=hazards.review").content.decode()
    assert reverse("hazard_detail", args=[hazard.pk]) in todo
    inspector.post(url("send_back"), {"comment": "照片看不清通道"})
    assert Hazard.objects.get(pk=hazard.pk).status == "rectifying"
    owner.post(url("submit"), {"comment": "重新拍照", "evidence": [photo()]})
    inspector.post(url("close"))
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.status == "closed" and hazard.closed_by == users["jiuxian"]
    body = inspector.get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    for label in ("登记隐患", "开始整改", "提交复查", "退回整改", "审核销号"):
        assert label in body


def test_scope_on_every_hazard_page(factory, users, login):
    hazard = factory()
    client = login(users["hufeng"])
    for url in (reverse("hazard_detail", args=[hazard.pk]), reverse("hazard_create", args=[factory.enterprise.pk])):
        assert client.get(url).status_code == 404
    for name in ("start", "close"):
        assert client.post(reverse("hazard_transition", args=[hazard.pk, name])).status_code == 404
    assert client.post(reverse("hazard_extension", args=[hazard.pk])).status_code == 404
    assert hazard.pk not in [h.pk for h in client.get(reverse("hazard_list")).context["page"]]
    assert login(users["jingxin"]).get(reverse("hazard_detail", args=[hazard.pk])).status_code == 200  # 机械


def test_list_filters_and_read_only_roles(factory, users, login):
    overdue = factory(status="rectifying")
    Hazard.objects.filter(pk=overdue.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    factory(level="major")
    client = login(users["admin"])
    names = lambda q: [h.pk for h in client.get(reverse("hazard_list") + q).context["page"]]  # noqa: E731
    assert names("?overdue=1") == [overdue.pk]
    assert len(names("?level=major")) == 1
    assert len(names("?date_from=2000-01-01&date_to=notadate&region=²")) == 2
    leader = login(users["leader"])
    assert leader.get(reverse("hazard_list")).status_code == 200
    assert "待复查的隐患" not in leader.get(reverse("hazard_todo"), follow=True).content.decode()
    assert leader.get(reverse("hazard_create", args=[factory.enterprise.pk])).status_code == 404
    assert "登记隐患" not in leader.get(reverse("enterprise_detail", args=[factory.enterprise.pk])).content.decode()


def test_extension_through_the_pages(factory, users, login, enterprise_user):
    hazard = factory(status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() + dt.timedelta(days=30))
    owner = login(enterprise_user(factory.enterprise))
    new = (timezone.localdate() + dt.timedelta(days=50)).isoformat()
    response = owner.post(reverse("hazard_extension", args=[hazard.pk]), {"new_deadline": new, "reason": ""}, follow=True)
    assert "延期理由" in response.content.decode()
    owner.post(reverse("hazard_extension", args=[hazard.pk]), {"new_deadline": new, "reason": "设备到货延迟"})
    extension = hazard.extensions.get()
    inspector = login(users["jiuxian"])
    inspector.post(reverse("hazard_extension_answer", args=[hazard.pk, extension.pk]), {"approve": "1", "answer": "同意"})
    assert Hazard.objects.get(pk=hazard.pk).deadline.isoformat() == new
    body = inspector.get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert "已同意" in body and "申请延期" in body and "答复延期" in body


def test_issue_list_matrix_export_and_scope(factory, users, login, make_enterprise):
    import io

    from openpyxl import load_workbook

    from anying.hazards import services as hazard_services

    factory(level="major")
    factory(level="major", status="closed")
    factory(level="general")
    other = make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    hazard_services.register(None, {"enterprise": other, "place": "x", "description": "y", "channel": "inspection",
                                    "found_by": "z", "found_on": timezone.localdate(), "level": "major",
                                    "criterion": Hazard.objects.filter(level="major").first().criterion})
    admin = login(users["admin"]).get(reverse("hazard_issue_list")).context["matrix"]
    assert admin["total"] == 2 and admin["industries"] == ["机械"]
    town = login(users["jiuxian"]).get(reverse("hazard_issue_list")).context["matrix"]
    assert town["total"] == 1 and [r["region"] for r in town["rows"]] == ["旧县街道"]
    response = login(users["jiuxian"]).get(reverse("hazard_issue_list") + "?format=xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["问题清单汇总", "重大事故隐患明细"]
    assert list(wb["问题清单汇总"].iter_rows(values_only=True))[2] == ("旧县街道", 1, 1)  # under title and header
    assert wb["重大事故隐患明细"].max_row == 3
    assert login(users["duty"]).get(reverse("hazard_issue_list") + "?format=xlsx").status_code == 404


def test_hazard_export_is_what_is_filtered(factory, users, login):
    import io

    from openpyxl import load_workbook

    factory(level="major")
    factory(level="general")
    response = login(users["jiuxian"]).get(reverse("hazard_export") + "?level=major")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[2][6] == "重大事故隐患"
    assert rows[2][7].startswith("工贸企业重大事故隐患判定标准（应急管理部令第10号）第十一条（三）：")  # the item's text, not only its number
    assert rows[0][0].startswith("隐患台账　筛选条件：等级：重大事故隐患　导出时间：")
    assert login(users["hufeng"]).get(reverse("hazard_export")).status_code == 200
    other = list(load_workbook(io.BytesIO(b"".join(login(users["hufeng"]).get(reverse("hazard_export")).streaming_content)))
                 .active.iter_rows(values_only=True))
    assert len(other) == 2  # title and header only: nothing of another town


def test_zeroing_separates_carried_over_from_new(factory, users, login):
    from django.utils import timezone

    this_year = timezone.localdate().replace(month=1, day=1)
    old = factory(level="major")
    Hazard.objects.filter(pk=old.pk).update(found_on=this_year - dt.timedelta(days=30))
    closed_old = factory(level="major", status="closed")
    Hazard.objects.filter(pk=closed_old.pk).update(found_on=this_year - dt.timedelta(days=60), closed_on=this_year)
    factory(level="major")
    rows = login(users["admin"]).get(reverse("hazard_issue_list")).context["zeroing"]["rows"]
    assert [(r["open"], r["closed"]) for r in rows] == [(1, 1), (1, 0)]
