"""The permit's rules at their boundaries: validity (exactly at the end vs one second after),
the gas analysis (at the allowed interval before the start vs just beyond; over the limit),
the checks before approval, separation of duties, two approvals for 特级, re-analysis after an
interruption, the expiry tick, numbering and the monthly figures."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.permits import rules, services
from anying.permits.models import Permit

from .conftest import T0, gas

S = Permit.Status
MIN = dt.timedelta(minutes=1)
SEC = dt.timedelta(seconds=1)


def approved(make_permit, applicant, approver, clock, **extra):
    p = make_permit(**extra)
    gas(applicant, p, T0 - dt.timedelta(minutes=5))
    clock.set(T0 - dt.timedelta(minutes=4))
    services.run(approver, p.pk, "approve", data={"title": "安全管理部门负责人"})
    p.refresh_from_db()
    assert p.status == S.APPROVED
    return p


def test_data_has_eight_kinds_with_clauses_and_verified_flags():
    assert [k.short for k in rules.kinds().values()] == ["动火", "受限空间", "盲板抽堵", "高处", "吊装", "临时用电", "动土",
                                                         "断路"]
    assert {lv.name for lv in rules.levels_of("hot_work")} == {"特级动火", "一级动火", "二级动火"}
    assert all(lv.clause for lv in rules.levels().values())
    assert rules.substances()["o2"].passes(rules.substances()["o2"].low)
    assert rules.unverified()  # listed on the rules page and in docs/permits.md


def test_number_from_shared_counter_and_validity_capped_by_level(make_permit, clock):
    a = make_permit(valid_until=T0 + dt.timedelta(hours=20))
    b = make_permit(kind="hot_work", level="2", valid_until=T0 + dt.timedelta(hours=100))
    assert a.number == "渝西化工有限公司动火〔2026〕1号" and b.number == "渝西化工有限公司动火〔2026〕2号"
    assert a.valid_until == T0 + dt.timedelta(hours=8)  # 一级动火 8 h
    assert b.valid_until == T0 + dt.timedelta(hours=72)  # 二级动火 72 h
    c = make_permit(kind="confined", level="")
    assert c.number == "渝西化工有限公司受限空间〔2026〕1号"


def test_form_errors_in_chinese_and_nothing_saved(make_permit):
    with pytest.raises(ValidationError) as exc:
        make_permit(level="", place="", guardian_name="", workers=[], details={},
                    valid_until=T0 - dt.timedelta(hours=1), measures=["jsa"])
    errors = exc.value.message_dict
    assert errors["level"] == ["请选择动火作业级别"]
    assert errors["place"] == ["请填写作业地点"]
    assert errors["workers"] == ["请至少填写一名作业人员"]
    assert errors["valid_until"] == ["计划结束须晚于计划开始"]
    assert "还有" in errors["measures"][0]
    assert Permit.objects.count() == 0
    with pytest.raises(ValidationError) as exc:
        make_permit(kind="confined", level="1")
    assert exc.value.message_dict["level"] == ["该类作业不分级别"]


def test_government_cannot_write(make_permit, users):
    with pytest.raises(PermissionDenied):
        make_permit(actor=users["jiuxian"])


def test_approval_needs_guardian_measures_and_gas(make_permit, applicant, approver, clock):
    p = make_permit(guardian_name="", measures_confirmed=False)
    with pytest.raises(ValidationError) as exc:
        services.run(approver, p.pk, "approve")
    text = exc.value.messages[0]
    assert "未指定监护人" in text and "安全措施未确认落实" in text and "未进行气体分析" in text
    p.refresh_from_db()
    assert p.status == S.DRAFT and not p.approvals.exists()


def test_approval_refused_when_latest_analysis_fails(make_permit, applicant, approver, clock):
    p = make_permit()
    gas(applicant, p, T0 - 5 * MIN, lel="10")  # 10 %LEL is not below 10 %LEL
    with pytest.raises(ValidationError, match="最近一次气体分析不合格"):
        services.run(approver, p.pk, "approve")


def test_applicant_cannot_approve_own_permit(make_permit, applicant, clock):
    p = make_permit()
    gas(applicant, p, T0 - 5 * MIN)
    with pytest.raises(PermissionDenied, match="职责分离"):
        services.run(applicant, p.pk, "approve")


def test_special_fire_needs_two_approvers(make_permit, applicant, approver, third, clock):
    p = make_permit(level="special")
    gas(applicant, p, T0 - 5 * MIN)
    services.run(approver, p.pk, "approve", data={"title": "安全管理部门负责人"})
    p.refresh_from_db()
    assert p.status == S.DRAFT and p.approvals.count() == 1
    with pytest.raises(PermissionDenied, match="另一账号"):
        services.run(approver, p.pk, "approve")
    services.run(third, p.pk, "approve", data={"title": "主要负责人"})
    p.refresh_from_db()
    assert p.status == S.APPROVED and p.approvals.count() == 2


def test_start_at_gas_interval_boundary(make_permit, applicant, approver, clock):
    p = make_permit()
    gas(applicant, p, T0 - 30 * MIN)
    clock.set(T0 - 29 * MIN)
    services.run(approver, p.pk, "approve")
    clock.set(T0 + SEC)  # 30 min and 1 s after the analysis: beyond the 30 min
    with pytest.raises(ValidationError, match="超过 30 分钟"):
        services.run(applicant, p.pk, "start")
    clock.set(T0)  # exactly 30 min after the analysis: allowed
    services.run(applicant, p.pk, "start")
    p.refresh_from_db()
    assert p.status == S.IN_PROGRESS and p.started_at == T0


def test_start_refused_before_validity_and_after_it(make_permit, applicant, approver, clock):
    p = approved(make_permit, applicant, approver, clock)
    clock.set(T0 - SEC)
    with pytest.raises(ValidationError, match="未到作业票有效期"):
        services.run(applicant, p.pk, "start")
    # a fresh analysis just before the end, then start exactly at the end (allowed) and 1 s after (refused)
    end = p.valid_until
    clock.set(end)
    gas(applicant, p, end - 10 * MIN)
    q = Permit.objects.get(pk=p.pk)
    clock.set(end + SEC)
    with pytest.raises(ValidationError, match="已超过有效期"):
        services.run(applicant, q.pk, "start")
    clock.set(end)
    services.run(applicant, q.pk, "start")
    assert Permit.objects.get(pk=p.pk).status == S.IN_PROGRESS


def test_start_refused_without_analysis_for_confined_space(make_permit, applicant, approver, clock):
    p = make_permit(kind="confined", level="")
    with pytest.raises(ValidationError, match="未进行气体分析"):
        services.run(approver, p.pk, "approve")
    with pytest.raises(ValidationError) as exc:
        gas(applicant, p, T0 - 5 * MIN, lel="1")  # a confined space needs the oxygen too
    assert exc.value.message_dict["readings"] == ["请填写氧含量"]


def test_oxygen_limits(make_permit, applicant, clock):
    p = make_permit(kind="confined", level="")
    assert gas(applicant, p, T0 - 9 * MIN, o2="19.5", lel="0").passed
    assert not gas(applicant, p, T0 - 8 * MIN, o2="19.4", lel="0").passed
    assert gas(applicant, p, T0 - 7 * MIN, o2="21", lel="0").passed
    assert not gas(applicant, p, T0 - 6 * MIN, o2="21.1", lel="0").passed
    enriched = services.record_analysis(applicant, p.pk, {"taken_at": T0 - 5 * MIN, "point": "罐内", "analyst": "赵",
                                                          "enriched": True, "readings": {"o2": "23.5", "lel": "0"}})
    assert enriched.passed


def test_combustible_and_toxic_limits(make_permit, applicant, clock):
    p = make_permit()
    assert gas(applicant, p, T0 - 9 * MIN, lel="9.9").passed
    assert not gas(applicant, p, T0 - 8 * MIN, lel="10").passed
    assert gas(applicant, p, T0 - 7 * MIN, comb_hi="0.5").passed
    assert not gas(applicant, p, T0 - 6 * MIN, comb_hi="0.51").passed
    assert not gas(applicant, p, T0 - 5 * MIN, comb_lo="0.21").passed
    bad = gas(applicant, p, T0 - 4 * MIN, lel="0", h2s="10.5")
    assert not bad.passed and "硫化氢" in bad.failures


def test_analysis_input_refused(make_permit, applicant, clock):
    p = make_permit()
    with pytest.raises(ValidationError) as exc:
        services.record_analysis(applicant, p.pk, {"taken_at": T0 + 2 * MIN, "point": "", "analyst": "",
                                                   "readings": {"lel": "abc"}})
    errors = exc.value.message_dict
    assert errors["taken_at"] == ["取样时间不能晚于现在"]
    assert errors["reading_lel"] == ["可燃气体（便携式检测仪）须为数字"]
    assert p.analyses.count() == 0


def test_failing_analysis_during_work_suspends_and_resume_needs_new_one(make_permit, applicant, approver, clock):
    p = approved(make_permit, applicant, approver, clock)
    clock.set(T0)
    services.run(applicant, p.pk, "start")
    clock.set(T0 + 60 * MIN)
    gas(applicant, p, T0 + 60 * MIN, lel="15")
    p.refresh_from_db()
    assert p.status == S.SUSPENDED and p.suspended_at == T0 + 60 * MIN
    # 60 min pause exactly: the latest analysis (failing) still blocks
    clock.set(T0 + 120 * MIN)
    with pytest.raises(ValidationError, match="不合格"):
        services.run(applicant, p.pk, "resume")
    # longer than 60 min: an analysis from before the pause does not count
    clock.set(T0 + 121 * MIN)
    with pytest.raises(ValidationError, match="重新进行气体分析"):
        services.run(applicant, p.pk, "resume")
    gas(applicant, p, T0 + 120 * MIN)
    services.run(applicant, p.pk, "resume")
    p.refresh_from_db()
    assert p.status == S.IN_PROGRESS and p.suspended_at is None


def test_close_and_cancel_need_comment(make_permit, applicant, approver, clock):
    p = approved(make_permit, applicant, approver, clock)
    clock.set(T0)
    services.run(applicant, p.pk, "start")
    with pytest.raises(ValidationError):
        services.run(applicant, p.pk, "close")
    clock.set(T0 + 3 * dt.timedelta(hours=1))
    services.run(approver, p.pk, "close", comment="现场清理完毕")
    p.refresh_from_db()
    assert p.status == S.CLOSED and p.closed_by == approver and p.closed_at == T0 + dt.timedelta(hours=3)
    with pytest.raises(ValidationError, match="不能再记录气体分析"):
        gas(applicant, p, T0)
    assert AuditEvent.objects.filter(summary__startswith="完工验收").exists()


def test_tick_flags_open_permits_past_validity(make_permit, applicant, approver, clock):
    p = approved(make_permit, applicant, approver, clock)
    assert services.flag_expired(p.valid_until) == 0  # exactly at the end: still valid
    assert services.flag_expired(p.valid_until + SEC) == 1
    assert services.flag_expired(p.valid_until + SEC) == 0  # idempotent
    p.refresh_from_db()
    assert p.expired
    clock.set(p.valid_until + SEC)
    with pytest.raises(ValidationError, match="已超过有效期"):
        services.run(applicant, p.pk, "start")


def test_cannot_edit_after_approval(make_permit, applicant, approver, clock, permit_data):
    p = approved(make_permit, applicant, approver, clock)
    with pytest.raises(ValidationError, match="已批准"):
        services.save_permit(applicant, permit_data(), pk=p.pk, version=p.version)


def test_monthly_figures(make_permit, applicant, approver, clock, chem):
    p = approved(make_permit, applicant, approver, clock)
    clock.set(T0)
    services.run(applicant, p.pk, "start")
    services.run(applicant, p.pk, "close", comment="完工")
    figures = services.monthly(chem, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert figures["issued_hot_work"] == 1 and figures["issued"] == 1 and figures["closed"] == 1
    assert services.monthly(chem, dt.date(2026, 5, 1), dt.date(2026, 5, 31))["issued"] == 0
    from anying.core.hooks import MONTHLY_SOURCES
    keys = [k for k, *_ in MONTHLY_SOURCES["permits"].figures]
    assert set(figures) == set(keys)


def test_a_colleague_cannot_rewrite_a_draft_and_approve_it(make_permit, applicant, approver, permit_data, chem):
    """The approver must not be the one who wrote what is approved (security review of issue #19)."""
    from anying.core.errors import PermissionDenied
    from anying.core.models import Organisation

    p = make_permit()
    with pytest.raises(PermissionDenied, match="只能修改本人填报"):
        services.save_permit(approver, permit_data(place="另一个地点"), pk=p.pk, version=p.version)
    p.refresh_from_db()
    assert p.place == "罐区T-102东侧管廊"
    # an account of a deactivated enterprise unit writes nothing
    Organisation.objects.filter(pk=chem.organisation_id).update(is_active=False)
    applicant.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.save_permit(applicant, permit_data())
