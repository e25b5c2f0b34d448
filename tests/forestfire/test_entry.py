"""The public 进山扫码 form: no account, masked ID, pledge, fire sources at high danger, rate
limits, 下山 from the same phone or by phone number, counts per checkpoint and day."""

import datetime as dt
import random

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anying.core.models import Region
from anying.core.permissions import SYSTEM
from anying.forestfire import entry, services
from anying.forestfire.demo import _id_number
from anying.forestfire.models import Checkpoint, Entry
from anying.warning.models import Contact


@pytest.fixture
def checkpoint(district, town):
    return services.save_checkpoint(SYSTEM, {"region_id": town("旧县街道").pk, "name": "测试检查站", "forest": "西山"})


def ident(seed=1):
    return _id_number(random.Random(seed))


def form(**extra):
    data = {"name": "张三", "phone": "13812345678", "id_number": ident(), "people": "2", "purpose": "visit",
            "fire_source": "none", "pledge": "on"}
    data.update(extra)
    return data


def test_id_numbers_are_checked_masked_and_hashed():
    number = ident()
    assert entry.valid_id(number)
    assert not entry.valid_id(number[:-1] + ("0" if number[-1] != "0" else "1"))  # check digit
    assert not entry.valid_id("500224199913321234")  # no 13th month
    assert entry.mask(number) == number[:4] + "*" * 10 + number[-4:]
    assert number not in entry.id_hash(number) and len(entry.id_hash(number)) == 64


@pytest.mark.django_db
def test_below_level_three_the_form_says_not_required_and_still_accepts(checkpoint, district):
    services.set_level(SYSTEM, district.pk, timezone.localdate(), 2)
    client = Client()
    url = reverse("forestfire:public_entry", args=[checkpoint.token])
    page = client.get(url).content.decode()
    assert "今日无需强制登记" in page and "2级 较低火险" in page
    response = client.post(url, form())
    assert response.status_code == 302
    e = Entry.objects.get()
    assert not e.required and e.level == 2 and e.people == 2
    assert e.id_masked.count("*") == 10 and e.pledge
    # the full ID number is nowhere in the row
    number = form()["id_number"]
    assert all(number not in str(getattr(e, f.attname)) for f in Entry._meta.concrete_fields)


@pytest.mark.django_db
def test_at_level_three_registration_is_required_and_fire_sources_refused(checkpoint, town):
    services.set_level(SYSTEM, town("旧县街道").pk, timezone.localdate(), 3)
    client = Client()
    url = reverse("forestfire:public_entry", args=[checkpoint.token])
    assert "进山人员须扫码登记" in client.get(url).content.decode()
    refused = client.post(url, form(fire_source="incense"))
    assert refused.status_code == 400 and "禁止携带香烛" in refused.content.decode()
    assert client.post(url, form(fire_source="lighter")).status_code == 302
    assert Entry.objects.get().required


@pytest.mark.django_db
def test_the_pledge_and_every_field_are_checked_and_nothing_is_saved(checkpoint):
    client = Client()
    url = reverse("forestfire:public_entry", args=[checkpoint.token])
    data = form()
    del data["pledge"]
    response = client.post(url, data)
    assert response.status_code == 400 and "请阅读并勾选防火承诺" in response.content.decode()
    for bad in ({"phone": "12345"}, {"id_number": "500224199001011234"}, {"purpose": "x"}, {"name": ""},
                {"people": "0"}):
        assert client.post(url, form(**bad)).status_code == 400, bad
    assert client.post(url, form(website="http://spam")).status_code == 400  # the honeypot
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_unknown_or_disabled_checkpoints_are_not_found(checkpoint):
    client = Client()
    assert client.get(reverse("forestfire:public_entry", args=["nope"])).status_code == 404
    Checkpoint.objects.filter(pk=checkpoint.pk).update(is_active=False)
    entry.forget()
    assert client.get(reverse("forestfire:public_entry", args=[checkpoint.token])).status_code == 404


@pytest.mark.django_db
def test_a_phone_is_rate_limited(checkpoint):
    client = Client()
    url = reverse("forestfire:public_entry", args=[checkpoint.token])
    for n in range(entry.PHONE_LIMIT.count):
        assert client.post(url, form(id_number=ident(n))).status_code == 302
    response = client.post(url, form(id_number=ident(99)))
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert Entry.objects.count() == entry.PHONE_LIMIT.count


@pytest.mark.django_db
def test_check_out_from_the_same_phone_and_by_phone_number(checkpoint):
    phone_a, phone_b = Client(), Client()
    url = reverse("forestfire:public_entry", args=[checkpoint.token])
    phone_a.post(url, form())
    done = phone_a.get(reverse("forestfire:public_done", args=[checkpoint.token])).content.decode()
    assert "登记下山" in done and "张三" in done
    e = Entry.objects.get()
    # another phone cannot use a key it does not hold
    assert phone_b.post(reverse("forestfire:public_leave", args=[checkpoint.token]), {"key": e.out_key}).status_code == 400
    assert phone_a.post(reverse("forestfire:public_leave", args=[checkpoint.token]), {"key": e.out_key}).status_code == 200
    e.refresh_from_db()
    assert e.time_out is not None
    # by phone number and the last four of the ID
    phone_b.post(url, form(phone="13900000000", id_number=ident(5)))
    leave = reverse("forestfire:public_leave_phone", args=[checkpoint.token])
    wrong = phone_b.post(leave, {"phone": "13900000000", "last4": "0000" if not ident(5).endswith("0000") else "1111"})
    assert wrong.status_code == 400 and "没有找到未下山" in wrong.content.decode()
    assert Client().post(leave, {"phone": "13900000000", "last4": ident(5)[-4:]}).status_code == 200
    assert not Entry.objects.filter(time_out__isnull=True).exists()


@pytest.mark.django_db
def test_counts_duty_missing_and_after_dark(checkpoint, town):
    day = timezone.localdate() - dt.timedelta(days=1)
    services.set_level(SYSTEM, town("旧县街道").pk, day, 4)
    now = timezone.now()
    for n, out in enumerate([True, True, False]):
        t = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + n)))
        Entry.objects.create(checkpoint=checkpoint, day=day, name="x", phone="13800000000", id_masked="5002**********0001",
                             id_hash=str(n), people=2, purpose="visit", pledge=True, time_in=t,
                             time_out=t + dt.timedelta(hours=2) if out else None, out_key=f"k{n}")
    cp = Checkpoint.objects.select_related("place__region").get(pk=checkpoint.pk)
    d = services.checkpoint_days([cp], day, now)[0]
    assert (d.level, d.required, d.entries, d.people, d.inside, d.after_dark) == (4, True, 3, 6, 1, 1)
    assert d.duty_missing
    guard = Contact.objects.create(name="值守员", phone="13700000001", region=town("旧县街道"), role="other",
                                   families="forest")
    services.set_duty(SYSTEM, cp.pk, day, [guard.pk])
    assert not services.checkpoint_days([cp], day, now)[0].duty_missing


@pytest.mark.django_db
def test_the_public_board_lists_the_forest_responsible_persons(district, town):
    c = Contact.objects.create(name="刘镇长", phone="13700000002", region=town("旧县街道"), role="town_head",
                               title="镇长")
    services.save_responsibility(SYSTEM, {"region_id": town("旧县街道").pk, "kind": "admin", "contact_id": c.pk})
    page = Client().get(reverse("forestfire:public_board", args=[district.pk])).content.decode()
    assert "刘镇长" in page and "行政区负责人" in page and "13700000002" in page
    assert Client().get(reverse("forestfire:public_board", args=[2_000_000_000])).status_code == 404
    assert Region.objects.filter(pk=district.pk).exists()
