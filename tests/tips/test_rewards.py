"""Reward arithmetic at its boundaries (安监总财〔2018〕19号 defaults), approval and payment."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.inspections import penalties
from anying.tips import rewards, rules, services
from anying.tips.models import Reward, Tip, TipRules

pytestmark = pytest.mark.django_db


@pytest.fixture
def default_rules(db):
    return TipRules.objects.get(region__isnull=True)


@pytest.mark.parametrize("fine, expected", [
    ("0", "3000.00"),  # substantiated without a fine: the minimum
    ("19999.99", "3000.00"),  # 2,999.9985 → the minimum
    ("20000.00", "3000.00"),  # exactly 15 % = the minimum
    ("20000.04", "3000.01"),  # 3,000.006 → rounded half-up to the fen
    ("20000.03", "3000.00"),  # 3,000.0045 → 3,000.00
    ("50000.00", "7500.00"),  # journey J5
    ("2000000.00", "300000.00"),  # exactly 15 % = the maximum
    ("2000000.01", "300000.00"),
    ("9999999.00", "300000.00"),
])
def test_fine_based_reward(default_rules, fine, expected):
    assert rules.fine_reward(default_rules, Decimal(fine)) == Decimal(expected)


@pytest.mark.parametrize("grade, deaths, expected", [
    ("general", 1, "30000"), ("general", 2, "60000"),
    ("larger", 3, "120000"), ("larger", 7, "280000"), ("larger", 8, "300000"),  # 320,000 capped
    ("major", 6, "300000"), ("major", 10, "300000"), ("especially", 5, "300000"), ("especially", 30, "300000"),
    ("larger", 1, "40000"),  # a 较大 accident (by injuries or loss) with one concealed death
])
def test_death_based_reward(default_rules, grade, deaths, expected):
    assert rules.death_reward(default_rules, grade, deaths) == Decimal(expected)


@pytest.mark.parametrize("grade, deaths", [("general", 3), ("larger", 10), ("major", 30), ("general", 0)])
def test_death_reward_refuses_a_grade_below_what_the_deaths_make(default_rules, grade, deaths):
    with pytest.raises(ValidationError):
        rules.death_reward(default_rules, grade, deaths)


def test_grade_thresholds_of_the_regulation():
    assert [rules.minimum_grade(n) for n in (1, 2, 3, 9, 10, 29, 30)] == [
        "general", "general", "larger", "larger", "major", "major", "especially"]


def _fine(user, ent, amount: str):
    today = timezone.localdate()
    penalty = penalties.file_case(user, ent, {
        "party_name": ent.name, "facts": "楼梯间储存油漆", "evidence": "照片", "violated": "安全生产法第四十二条",
        "legal_basis": "安全生产法第一百零五条", "amount": Decimal(amount)}, today=today - dt.timedelta(days=20))
    penalties.notify(user, penalty.pk, today=today - dt.timedelta(days=19))
    return penalties.decide(user, penalty.pk, today=today - dt.timedelta(days=10))


def test_journey_j5_reward_proposed_approved_paid(verified, users, ent):
    penalty = _fine(users["jiuxian"], ent, "50000.00")
    services.link(users["jiuxian"], verified.pk, "penalty", penalty.pk)
    admin, leader = users["admin"], users["leader"]
    with pytest.raises(PermissionDenied):
        rewards.propose(users["jiuxian"], verified.pk, "fine")  # a town inspector does not pay rewards
    reward = rewards.propose(admin, verified.pk, "fine")
    assert reward.amount == Decimal("7500.00") and reward.fines == Decimal("50000.00")
    assert reward.rule["reward_rate"] == "0.1500"
    with pytest.raises(PermissionDenied):
        rewards.decide(admin, verified.pk, True)  # the proposer may not approve
    with pytest.raises(ValidationError):
        rewards.pay(admin, verified.pk, paid_on=timezone.localdate(), reference="X1")  # not approved yet
    rewards.decide(leader, verified.pk, True, "同意")
    with pytest.raises(ValidationError):
        rewards.pay(admin, verified.pk, paid_on=timezone.localdate() + dt.timedelta(days=1), reference="X1")
    reward = rewards.pay(admin, verified.pk, paid_on=timezone.localdate(), reference="财付 2026-001")
    assert reward.status == Reward.Status.PAID and reward.paid_amount == Decimal("7500.00")
    view = services.public_view(Tip.objects.get(pk=verified.pk))
    assert view["reward"]["amount"] == Decimal("7500.00") and view["reward"]["status"] == "已发放"


def test_only_decided_penalties_count_and_rates_are_frozen(verified, users, ent, district):
    filed = penalties.file_case(users["jiuxian"], ent, {
        "party_name": ent.name, "facts": "f", "evidence": "e", "violated": "v", "legal_basis": "b",
        "amount": Decimal("100000.00")})
    services.link(users["jiuxian"], verified.pk, "penalty", filed.pk)
    assert rewards.compute(verified, "fine")["amount"] == Decimal("3000.00")  # not decided: not counted
    TipRules.objects.create(region=district, verify_days=15, reply_days=60, reward_rate=Decimal("0.2"),
                            reward_min=Decimal("5000"), reward_max=Decimal("300000"), death_general=30000,
                            death_larger=40000, death_major=50000, death_especially=60000, death_max=300000)
    reward = rewards.propose(users["admin"], verified.pk, "fine")
    assert reward.amount == Decimal("5000.00")  # the district's own minimum
    TipRules.objects.filter(region=district).update(reward_min=Decimal("8000"))
    reward.refresh_from_db()
    assert reward.amount == Decimal("5000.00") and reward.rule["reward_min"] == "5000.00"


def test_no_reward_unless_substantiated_and_of_a_rewarded_kind(file_tip, users, office, verified):
    tip, _ = file_tip()
    with pytest.raises(ValidationError, match="核查属实"):
        rewards.propose(users["admin"], tip.pk, "fine")
    with pytest.raises(ValidationError, match="瞒报谎报"):
        rewards.propose(users["admin"], verified.pk, "deaths", grade="general", deaths=1)
    rewards.propose(users["admin"], verified.pk, "fine")
    with pytest.raises(ValidationError, match="已有奖励"):
        rewards.propose(users["admin"], verified.pk, "fine")


def test_refused_reward_needs_a_reason_and_is_not_shown_to_the_reporter(verified, users):
    rewards.propose(users["admin"], verified.pk, "fine")
    with pytest.raises(ValidationError):
        rewards.decide(users["leader"], verified.pk, False, "")
    rewards.decide(users["leader"], verified.pk, False, "举报人系该单位负有安全管理职责的人员")
    assert services.public_view(Tip.objects.get(pk=verified.pk))["reward"] is None
