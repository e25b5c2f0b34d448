"""The installation pages: registered from the enterprise, computed on save, listed for the district
with filters and export, refused outside the scope."""

from django.urls import reverse

from anying.monitoring.models import Installation


def form(**extra):
    data = {"name": "液氯储罐区", "kind": "storage", "people_within_500m": "40", "c0-chemical": "液氯",
            "c0-quantity": "20", "c1-chemical": "甲醇", "c1-quantity": "100", "c1-category": "W5.4",
            "commissioned_on": "2000-05-01", "oil_gas_storage": "on", "has_video": "on"}
    return {**data, **extra}


def test_an_inspector_registers_an_installation_and_the_grade_is_computed(login, users, make_enterprise):
    ent = make_enterprise("旧县化工厂", industry_name="危险化学品")
    client = login(users["jiuxian"])
    assert client.get(reverse("installation_new", args=[ent.pk])).status_code == 200
    response = client.post(reverse("installation_new", args=[ent.pk]), form())
    inst = Installation.objects.get()
    assert response.status_code == 302
    # 液氯 20/5 = 4 (β 4, 表3), 甲醇 100/500 = 0.2 (表1's Q; β 1 by W5.4); α 1.2 (40 people):
    # R = 1.2 × (16 + 0.2) = 19.44
    assert inst.is_major and str(inst.s_value) == "4.2000" and str(inst.r_value) == "19.4400" and inst.grade == 3
    page = client.get(reverse("installation_detail", args=[inst.pk])).content.decode()
    assert "三级重大危险源" in page and "投用满20年" in page and "缺：可燃有毒气体检测报警、紧急切断、雷电预警" in page
    listing = client.get(reverse("installation_list") + "?major=1&systems=1").content.decode()
    assert "液氯储罐区" in listing
    assert client.get(reverse("installation_list") + "?export=xlsx")["Content-Type"].startswith("application/vnd")
    assert "重大危险源" in client.get(reverse("enterprise_detail", args=[ent.pk]) + "?tab=installations").content.decode()


def test_bad_lines_are_refused_in_chinese_and_nothing_is_saved(login, users, make_enterprise):
    ent = make_enterprise("旧县化工厂", industry_name="危险化学品")
    page = login(users["jiuxian"]).post(reverse("installation_new", args=[ent.pk]),
                                        form(**{"c1-category": ""})).content.decode()
    assert "危险性类别" in page and not Installation.objects.exists()


def test_another_town_and_another_enterprise_cannot_reach_it(login, users, make_enterprise, enterprise_user):
    from anying.core.permissions import SYSTEM
    from anying.monitoring import services

    ent = make_enterprise("旧县化工厂", industry_name="危险化学品")
    inst = services.save_installation(SYSTEM, ent.pk, {"name": "罐区", "kind": "storage", "people_within_500m": 0},
                                      [("液氯", "20", "")])
    assert login(users["hufeng"]).get(reverse("installation_detail", args=[inst.pk])).status_code == 404
    assert login(users["hufeng"]).get(reverse("installation_new", args=[ent.pk])).status_code == 404
    other = enterprise_user(make_enterprise("另一企业"), username="qiye9")
    assert login(other).get(reverse("installation_detail", args=[inst.pk])).status_code == 404
    own = enterprise_user(ent, username="qiye8")
    assert login(own).get(reverse("installation_detail", args=[inst.pk])).status_code == 200


def test_the_demo_registers_installations_once(db):
    import random

    from anying.core.hooks import DEMO_LOADERS

    rng = random.Random(2022)
    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        if loader.order <= 87:
            loader.load(rng)
    DEMO_LOADERS["monitoring"].load(rng)
    assert Installation.objects.count() == 3
    cold = Installation.objects.get(name="液氨制冷机房")
    assert cold.is_major and str(cold.s_value) == "1.2000"  # 12/10; R = 1.5 × 2 × 1.2 = 3.6 → 四级
    assert cold.grade == 4 and str(cold.r_value) == "3.6000"
    assert not Installation.objects.get(name="甲醇储罐区").is_major  # 300/500 + 120/500 = 0.84
    lpg = Installation.objects.get(name="液化石油气储罐")
    assert lpg.four_systems_missing == ["紧急切断", "雷电预警"]
    assert lpg.chemicals.get().critical == 50 and lpg.is_major  # 表1 序号52: Q 50 t, not 表2's W2 10 t
    # sensors with a day of readings through the real ingest, aggregates, and alarms in three states
    from anying.monitoring import timeseries
    from anying.monitoring.models import Alarm, Sensor

    assert Sensor.objects.count() == 9 and all(s.last_at for s in Sensor.objects.all())
    kind, rows = timeseries.series(Sensor.objects.get(code="LT-101").pk, timeseries.ms(cold.created_at) - 86_400_000,
                                   timeseries.ms(cold.created_at) + 3_600_000)
    assert kind == "minute" and len(rows) >= 280
    assert set(Alarm.objects.values_list("status", flat=True)) == {"cleared", "handled", "triggered"}
    from anying.core.models import User

    assert User.objects.get(username="weihua").unit_id == cold.enterprise.organisation_id
