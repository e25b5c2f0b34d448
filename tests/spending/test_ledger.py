"""The safety-spending ledger: the 提取标准 computation, the enterprise's entries and the rules
on them, the readers' scope, the rate and the 未足额 list, the 一企一档 tab, the monthly source,
the exports and the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core import hooks
from anying.core.errors import PermissionDenied
from anying.spending import reference, services
from anying.spending.models import Entry, Ledger

from ..conftest import photo

YEAR = timezone.localdate().year


def test_required_by_brackets_flat_and_per_unit():
    # 超额累退: 1000万 × 4.5% + 9000万 × 2.25% + 1亿 × 0.55% for 2亿 of revenue
    assert reference.required("hazmat", Decimal(200_000_000)) == Decimal("450000.00") + Decimal("2025000.00") + \
        Decimal("550000.00")
    assert reference.required("hazmat", Decimal(5_000_000)) == Decimal("225000.00")
    assert reference.required("transport_freight", Decimal(1_000_000)) == Decimal("10000.00")
    assert reference.required("mine_metal_open", Decimal(1000)) == Decimal("5000.00")
    assert reference.required("machinery", Decimal(0)) == Decimal("0.00")


def test_every_class_has_rates_and_a_source():
    for spec in reference.classes().values():
        assert spec.brackets and spec.source and spec.article
        assert spec.describe()
    for cat in reference.categories().values():
        assert cat.source
    assert {c.code for c in reference.categories_for("build_housing")} >= {"site_power", "other"}
    assert "site_power" not in {c.code for c in reference.categories_for("hazmat")}


def test_default_class_from_the_industry_tree(industry):
    assert reference.default_class(industry("机械")) == "machinery"
    assert reference.default_class(industry("危险化学品")) == "hazmat"
    assert reference.default_class(industry("商贸")) == ""


@pytest.fixture
def ledger(make_enterprise, enterprise_user):
    ent = make_enterprise("渝铜机械厂", "旧县街道", "机械")
    user = enterprise_user(ent)
    ledger = services.save_ledger(user, {"enterprise": ent.pk, "year": YEAR, "class_key": "machinery",
                                         "base": Decimal(50_000_000), "carried": Decimal(1000)})
    return ledger, user


def test_enterprise_records_entries_and_the_rate(ledger):
    ledger, user = ledger
    # 1000万 × 2.35% + 4000万 × 1.25%
    assert ledger.required == Decimal("735000.00")
    day = dt.date(YEAR, 1, 1)
    services.add_entry(user, ledger.pk, {"kind": "set_aside", "on": day, "amount": "367500", "description": "计提"})
    services.add_entry(user, ledger.pk, {"kind": "spend", "on": day, "amount": "100000", "category": "ppe",
                                         "description": "防护用品", "voucher": "记-1"})
    ledger.refresh_from_db()
    assert (ledger.set_aside, ledger.spent, ledger.balance) == (Decimal("367500.00"), Decimal("100000.00"),
                                                                Decimal("268500.00"))
    assert ledger.rate == Decimal("50.0") and ledger.under
    assert ledger.spent_share == Decimal("27.1")


def test_entry_rules(ledger):
    ledger, user = ledger
    day = dt.date(YEAR, 1, 1)
    with pytest.raises(ValidationError) as exc:
        services.add_entry(user, ledger.pk, {"kind": "spend", "on": day, "amount": "5000", "category": "ppe",
                                             "description": "超支", "voucher": "1"})
    assert "超过结余" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.add_entry(user, ledger.pk, {"kind": "spend", "on": day, "amount": "10", "category": "site_power",
                                             "description": "x", "voucher": "1"})
    assert "使用类别" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.add_entry(user, ledger.pk, {"kind": "spend", "on": day, "amount": "10", "category": "ppe",
                                             "description": "x"})
    assert "凭证" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.add_entry(user, ledger.pk, {"kind": "set_aside", "on": dt.date(YEAR - 1, 12, 31), "amount": "1",
                                             "description": "x"})
    assert "年内" in str(exc.value)
    # a voucher scanned instead of a number
    entry = services.add_entry(user, ledger.pk, {"kind": "spend", "on": day, "amount": "10", "category": "ppe",
                                                 "description": "x"}, files=[photo("凭证.png")])
    assert entry.pk and Entry.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.save_ledger(user, {"enterprise": ledger.enterprise_id, "year": YEAR, "class_key": "machinery",
                                    "base": 1})
    assert "已建立" in str(exc.value)


def test_only_the_enterprise_writes_and_scope(ledger, users, make_enterprise, enterprise_user):
    ledger, user = ledger
    with pytest.raises(PermissionDenied):
        services.add_entry(users["jiuxian"], ledger.pk, {"kind": "set_aside", "on": dt.date(YEAR, 1, 1),
                                                         "amount": "1", "description": "x"})
    other = enterprise_user(make_enterprise("别家", "虎峰镇", "机械"), "bie")
    with pytest.raises(PermissionDenied):
        services.add_entry(other, ledger.pk, {"kind": "set_aside", "on": dt.date(YEAR, 1, 1), "amount": "1",
                                              "description": "x"})
    with pytest.raises(PermissionDenied):
        services.save_ledger(other, {"enterprise": ledger.enterprise_id, "year": YEAR - 1, "class_key": "machinery",
                                     "base": 1})
    assert Ledger.objects.visible_to(users["jiuxian"]).count() == 1  # its town
    assert Ledger.objects.visible_to(users["hufeng"]).count() == 0
    assert Ledger.objects.visible_to(users["jingxin"]).count() == 1  # 机械's department
    assert Ledger.objects.visible_to(other).count() == 0


def test_pages_rate_under_list_tab_and_exports(ledger, users, login):
    ledger, user = ledger
    services.add_entry(user, ledger.pk, {"kind": "set_aside", "on": dt.date(YEAR, 1, 1), "amount": "1000",
                                         "description": "计提"})
    c = login(users["jiuxian"])
    page = c.get(reverse("spending:list") + "?standard=under").content.decode()
    assert "渝铜机械厂" in page and "0.1%" in page
    assert "渝铜机械厂" not in c.get(reverse("spending:list") + "?standard=met").content.decode()
    detail = c.get(reverse("spending:detail", args=[ledger.pk])).content.decode()
    assert "735,000.00" in detail and "登记提取或使用" not in detail  # the town reads only
    tab = c.get(reverse("enterprise_detail", args=[ledger.enterprise_id]) + "?tab=spending").content.decode()
    assert "0.1%（未足额）" in tab
    for url in (reverse("spending:list") + "?export=xlsx", reverse("spending:detail", args=[ledger.pk]) + "?export=xlsx"):
        r = c.get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert c.get(reverse("spending:standards")).status_code == 200
    assert c.get(reverse("spending:new")).status_code == 404  # government does not keep the ledger
    own = login(user)
    assert "登记提取或使用" in own.get(reverse("spending:detail", args=[ledger.pk])).content.decode()
    r = own.post(reverse("spending:detail", args=[ledger.pk]), {"kind": "spend", "on": f"{YEAR}-01-01",
                                                                 "amount": "1", "description": "x"})
    assert "请选择使用类别" in r.content.decode()


def test_ledger_form_defaults_the_class(make_enterprise, enterprise_user, login):
    ent = make_enterprise("危化甲", "旧县街道", "危险化学品")
    c = login(enterprise_user(ent))
    assert 'value="hazmat" selected' in c.get(reverse("spending:new")).content.decode()
    r = c.post(reverse("spending:new"), {"year": YEAR, "class_key": "hazmat", "base": "10000000", "carried": "0"})
    ledger = Ledger.objects.get(enterprise=ent)
    assert r.status_code == 302 and ledger.required == Decimal("450000.00")


def test_monthly_source(ledger):
    ledger, user = ledger
    services.add_entry(user, ledger.pk, {"kind": "set_aside", "on": dt.date(YEAR, 1, 5), "amount": "300",
                                         "description": "计提"})
    services.add_entry(user, ledger.pk, {"kind": "spend", "on": dt.date(YEAR, 1, 9), "amount": "200",
                                         "category": "training", "description": "培训", "voucher": "v"})
    source = hooks.MONTHLY_SOURCES["spending"]
    assert [k for k, *_ in source.figures] == ["set_aside", "spent"]
    assert source.compile(ledger.enterprise, dt.date(YEAR, 1, 1), dt.date(YEAR, 1, 31)) == {
        "set_aside": Decimal("300.00"), "spent": Decimal("200.00")}


def test_api(ledger, users):
    from django.test import Client

    from anying.core.services import create_token

    ledger, user = ledger

    def api(u):
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, u, 't')[1]}")

    own = api(user)
    r = own.post(f"/api/v1/spending/ledgers/{ledger.pk}/entries", {
        "kind": "set_aside", "on": f"{YEAR}-01-02", "amount": "735000", "description": "全年计提"},
        content_type="application/json")
    assert r.status_code == 201, r.content
    town = api(users["jiuxian"])
    body = town.get("/api/v1/spending/ledgers?standard=met").json()
    assert [row["rate"] for row in body["items"]] == ["100.0"] or [row["rate"] for row in body["items"]] == [100.0]
    assert town.get(f"/api/v1/spending/ledgers/{ledger.pk}").json()["entries"][0]["amount"] in ("735000.00", 735000.0)
    assert town.post(f"/api/v1/spending/ledgers/{ledger.pk}/entries", {
        "kind": "set_aside", "on": f"{YEAR}-01-02", "amount": "1", "description": "x"},
        content_type="application/json").status_code == 403
    assert api(users["hufeng"]).get(f"/api/v1/spending/ledgers/{ledger.pk}").status_code == 404


def test_demo_is_idempotent(district):
    import random

    from anying.registry import demo as registry_demo
    from anying.spending import demo

    registry_demo.load(random.Random(1))
    demo.load(random.Random(1))
    count = Ledger.objects.count()
    assert count and Entry.objects.count()
    demo.load(random.Random(1))
    assert Ledger.objects.count() == count
    assert Ledger.objects.filter(set_aside__lt=models_f()).exists()


def models_f():
    from django.db.models import F
    return F("required")
