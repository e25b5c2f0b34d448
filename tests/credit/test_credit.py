"""The credit register: a listing's lifecycle (separation, period, early removal and its
conditions, the tick), the public page with personal data masked, the 信用重庆 export, the
行政处罚信息公示 within 7 working days (late flagged), the 标准化重新核定 list, scope and API."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anying.core.errors import PermissionDenied
from anying.core.models import Organisation
from anying.core.services import create_token
from anying.credit import reference, services
from anying.credit.models import Listing, PenaltyNotice
from anying.inspections.models import Penalty

PERSON_ID = "500222198001010010"


@pytest.fixture
def ent(make_enterprise):
    return make_enterprise("渝铜化工有限公司", "旧县街道", "危险化学品", legal_representative="王大明")


def propose(actor, ent, **extra):
    return services.propose(actor, {"enterprise": ent.pk, "ground": "no_licence", "reason": "许可证暂扣期间生产",
                                    "legal_basis": "应急管理部令第11号", **extra})


def fine(ent, day, amount="20000"):
    unit = Organisation.objects.get(name="区应急局")
    return Penalty.objects.create(enterprise=ent, region_id=ent.region_id, industry_id=ent.industry_id,
                                  organisation_id=ent.organisation_id, unit=unit, party_name=ent.name,
                                  facts="未按规定开展重大危险源辨识", evidence="现场检查记录",
                                  violated="《中华人民共和国安全生产法》第四十条\n其他", legal_basis="安全生产法第一百零一条",
                                  amount=Decimal(amount), status="decided", filed_on=day, decide_by=day, decided_on=day)


def test_lifecycle_with_separation_and_masking(ent, users, login):
    person = propose(users["yingji"], ent, subject="person", person_name="王大明", person_id_number=PERSON_ID,
                     person_role="主要负责人")
    assert person.status == Listing.Status.PROPOSED and person.number.startswith("严重失信名单")
    with pytest.raises(PermissionDenied):  # the proposer may not approve (职责分离)…
        services.run(users["admin"], propose(users["admin"], ent).pk, "approve")
    with pytest.raises(PermissionDenied):  # …and a town inspector may not at all
        services.run(users["jiuxian"], person.pk, "approve")
    services.run(users["leader"], person.pk, "approve")
    person.refresh_from_db()
    assert person.period_end == reference.add_years(person.listed_on, 3)
    # nothing public before publication
    public = Client().get(reverse("credit:public_list")).content.decode()
    assert "王*明" not in public
    services.run(users["admin"], person.pk, "publish")
    public = Client().get(reverse("credit:public_list")).content.decode()
    assert "王*明（渝铜化工有限公司主要负责人）" in public
    assert PERSON_ID not in public and "王大明" not in public
    # the staff page shows the ID to the proposing department, masked to the town
    assert PERSON_ID in login(users["yingji"]).get(reverse("credit:detail", args=[person.pk])).content.decode()
    town = login(users["jiuxian"]).get(reverse("credit:detail", args=[person.pk])).content.decode()
    assert PERSON_ID not in town and "5002**********0010" in town
    # the 信用重庆 export: masked name, no ID
    xlsx = login(users["admin"]).get(reverse("credit:list") + "?export=xlsx")
    cells = [str(c) for row in load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.iter_rows(values_only=True) for c in row]
    assert "王*明（渝铜化工有限公司主要负责人）" in cells and PERSON_ID not in "".join(cells)


def test_removal_rules_and_tick(ent, users):
    g = propose(users["yingji"], ent)
    services.run(users["leader"], g.pk, "approve", data={"day": timezone.localdate() - dt.timedelta(days=30)})
    services.run(users["admin"], g.pk, "publish")
    with pytest.raises(ValidationError) as exc:
        services.run(users["leader"], g.pk, "remove", comment="期满", data={"removal": "expired"})
    assert "未满" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.run(users["leader"], g.pk, "remove", comment="修复", data={"removal": "early"})
    assert "满12个月" in str(exc.value)
    Listing.objects.filter(pk=g.pk).update(listed_on=timezone.localdate() - dt.timedelta(days=400))
    with pytest.raises(ValidationError) as exc:
        services.run(users["leader"], g.pk, "remove", comment="修复", data={"removal": "early",
                                                                           "conditions": ["penalty_done"]})
    assert "尚未满足" in str(exc.value)
    services.run(users["leader"], g.pk, "remove", comment="整改完成，核查属实",
                 data={"removal": "early", "conditions": list(reference.removal_conditions())})
    g.refresh_from_db()
    assert g.status == Listing.Status.REMOVED and g.removal == "early" and len(g.removal_conditions) == 5
    # the tick removes a listing whose period has ended
    h = propose(users["yingji"], ent)
    services.run(users["leader"], h.pk, "approve")
    services.run(users["admin"], h.pk, "publish")
    Listing.objects.filter(pk=h.pk).update(period_end=timezone.localdate())
    assert services.expire(timezone.now()) == 1
    h.refresh_from_db()
    assert h.status == Listing.Status.REMOVED and h.removal == "expired"
    assert services.expire(timezone.now()) == 0


def test_proposal_errors(ent, users, login):
    with pytest.raises(ValidationError) as exc:
        services.propose(users["yingji"], {"enterprise": ent.pk, "subject": "person", "person_id_number": "123",
                                           "ground": "nope"})
    errors = exc.value.message_dict
    assert {"person_name", "person_id_number", "person_role", "ground", "reason", "legal_basis"} <= set(errors)
    with pytest.raises(PermissionDenied):
        propose(users["jiuxian"], ent)
    r = login(users["yingji"]).post(reverse("credit:new"), {"enterprise": ent.pk, "subject": "enterprise"})
    assert "请选择列入情形" in r.content.decode() or "这个字段是必填项" in r.content.decode()


def test_enterprise_sees_its_own(ent, users, make_enterprise, enterprise_user, login):
    g = propose(users["yingji"], ent)
    own = login(enterprise_user(ent))
    assert own.get(reverse("credit:detail", args=[g.pk])).status_code == 200
    tab = own.get(reverse("enterprise_detail", args=[ent.pk]) + "?tab=credit").content.decode()
    assert g.number in tab
    other = login(enterprise_user(make_enterprise("别家", "虎峰镇", "机械"), "bie"))
    assert other.get(reverse("credit:detail", args=[g.pk])).status_code == 404
    assert login(users["hufeng"]).get(reverse("credit:detail", args=[g.pk])).status_code == 404


def test_workdays_and_penalty_publication(ent, users, login):
    # 2026-09-30 (Wednesday) + 7 working days skips the 国庆 holiday (10-01..10-07 or 08)
    due = reference.add_workdays(dt.date(2026, 9, 30), 7)
    assert due > dt.date(2026, 10, 8)
    assert reference.add_workdays(dt.date(2026, 3, 2), 7) == dt.date(2026, 3, 11)
    today = timezone.localdate()
    old = fine(ent, today - dt.timedelta(days=40))
    new = fine(ent, today)
    c = login(users["yingji"])
    page = c.get(reverse("credit:penalties") + "?published=no").content.decode()
    assert page.count("已超期") == 1
    r = c.post(reverse("credit:penalty_publish", args=[old.pk]))
    assert r.status_code == 302
    notice = PenaltyNotice.objects.get(penalty=old)
    assert notice.late and notice.credit_code == ent.credit_code and notice.legal_representative == "王大明"
    services.publish_penalty(users["yingji"], new.pk)
    assert not PenaltyNotice.objects.get(penalty=new).late
    with pytest.raises(ValidationError):
        services.publish_penalty(users["yingji"], new.pk)
    with pytest.raises(PermissionDenied):
        services.publish_penalty(users["jiuxian"], new.pk)
    public = Client().get(reverse("credit:public_penalties")).content.decode()
    assert public.count("渝铜化工有限公司") >= 2 and "罚款人民币20,000.00元" in public
    assert "逾期" in c.get(reverse("credit:penalties") + "?published=late").content.decode()
    xlsx = c.get(reverse("credit:penalties") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "行政相对人名称")
    assert "统一社会信用代码" in "".join(header) and "处罚决定日期" in header and "公示截止期" in header
    data = [r for r in rows if r and r[0] == ent.name]
    assert len(data) == 2


def test_rerating_flags(ent, users, login):
    from anying.hazards.models import Hazard
    from anying.oversight.models import Accident
    from anying.standards.models import AccidentType

    day = timezone.localdate() - dt.timedelta(days=100)
    ent.std_status, ent.std_grade, ent.std_certificate_date = "certified", "3", day
    ent.save()
    assert services.rerating(users["admin"]) == []
    # a hazard from before the grading does not count
    for found in (day - dt.timedelta(days=5), day + dt.timedelta(days=5)):
        Hazard.objects.create(enterprise=ent, region_id=ent.region_id, industry_id=ent.industry_id,
                              organisation_id=ent.organisation_id, place="罐区", description="储罐无液位报警",
                              level="major", channel="inspection", found_by="陈执法", found_on=found)
    rows = services.rerating(users["admin"])
    assert [(r["enterprise"].pk, r["action"], len(r["hazards"])) for r in rows] == [(ent.pk, "应重新核定", 1)]
    # an injury accident after the grading revokes
    Accident.objects.create(occurred_at=timezone.now() - dt.timedelta(days=3), place="车间", region=ent.region,
                            industry=ent.industry, enterprise=ent, unit=Organisation.objects.get(name="区应急局"),
                            accident_type=AccidentType.objects.filter(group="基本事故类型").first(),
                            serious_injuries=1, grade="general", summary="机械伤害")
    rows = services.rerating(users["admin"])
    assert rows[0]["action"] == "应撤销"
    page = login(users["jiuxian"]).get(reverse("credit:rerating")).content.decode()
    assert "应撤销" in page and "渝铜化工有限公司" in page
    assert login(users["hufeng"]).get(reverse("credit:rerating")).content.decode().count("渝铜化工有限公司") == 0


def test_api(ent, users):
    def api(u):
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, u, 't')[1]}")

    r = api(users["yingji"]).post("/api/v1/credit/listings", {
        "enterprise_id": ent.pk, "subject": "person", "person_name": "王大明", "person_id_number": PERSON_ID,
        "person_role": "主要负责人", "ground": "no_licence", "reason": "x", "legal_basis": "y"},
        content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["person_id_masked"] == "5002**********0010" and PERSON_ID not in r.content.decode()
    step = api(users["leader"]).post(f"/api/v1/credit/listings/{body['id']}/transitions", {"name": "approve"},
                                     content_type="application/json")
    assert step.status_code == 200 and step.json()["status"] == "approved"
    assert api(users["yingji"]).post(f"/api/v1/credit/listings/{body['id']}/transitions", {"name": "approve"},
                                     content_type="application/json").status_code in (403, 422)
    p = fine(ent, timezone.localdate())
    assert api(users["yingji"]).post(f"/api/v1/credit/penalties/{p.pk}/publish").status_code == 201
    assert api(users["jiuxian"]).get("/api/v1/credit/penalty-notices").json()["count"] == 1
    assert api(users["hufeng"]).get("/api/v1/credit/penalty-notices").json()["count"] == 0
    assert api(users["admin"]).get("/api/v1/credit/rerating").status_code == 200
