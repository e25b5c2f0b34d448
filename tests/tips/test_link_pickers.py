"""A tip is linked to the inspection or penalty it led to by picking it from a searchable list
of the handler's own records (issue #13: no typed database ids)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anying.core.pickers import date_q
from anying.inspections import penalties

pytestmark = pytest.mark.django_db


def _case(user, ent, amount="5000.00", days_ago=3):
    return penalties.file_case(user, ent, {
        "party_name": ent.name, "facts": "楼梯间储存油漆", "evidence": "照片", "violated": "安全生产法第四十二条",
        "legal_basis": "安全生产法第一百零五条", "amount": Decimal(amount)},
        today=timezone.localdate() - dt.timedelta(days=days_ago))


def options(html: str) -> list[str]:
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", html)


def names(found: list[str]) -> list[str]:
    return [t.split(" ")[0] for t in found]


def test_the_tip_page_offers_pickers_not_an_id_box(verified, users, ent, login):
    penalty = _case(users["jiuxian"], ent)
    penalties.notify(users["jiuxian"], penalty.pk)
    page = login(users["jiuxian"]).get(reverse("tip_detail", args=[verified.pk])).content.decode()
    assert 'type="number" name="object_id"' not in page and "编号见执法检查" not in page
    assert f"旧县喷涂厂 5,000.00 元 已告知 {penalty.documents.get().number}" in options(page)
    assert reverse("pick_penalty") + f"?enterprise={ent.pk}" in page


def test_the_search_finds_by_number_name_and_date_within_scope(verified, users, ent, make_enterprise, login):
    mine = _case(users["jiuxian"], ent)
    other_ent = make_enterprise("旧县五金厂", "旧县街道", "机械")
    other = _case(users["jiuxian"], other_ent, days_ago=40)
    client = login(users["jiuxian"])
    url = reverse("pick_penalty")

    def found(**params):
        return options(client.get(url, params).content.decode())

    assert len(found()) == 2
    assert names(found(q="五金")) == ["旧县五金厂"]
    assert names(found(q="喷涂", enterprise=other_ent.pk)) == []  # narrowed to the tip's
    day = mine.filed_on.isoformat()
    assert any("旧县喷涂厂" in t for t in found(q=day)) and not any("五金" in t for t in found(q=day))
    penalties.notify(users["jiuxian"], other.pk)
    assert names(found(q=other.documents.get().number)) == ["旧县五金厂"]
    assert "没有找到符合的记录" in client.get(url, {"q": "不存在的单位"}).content.decode()
    # another town's officer sees none of them; without the view permission, nothing at all
    assert options(login(users["hufeng"]).get(url).content.decode()) == []


def test_linking_the_picked_penalty(verified, users, ent, login):
    penalty = _case(users["jiuxian"], ent)
    client = login(users["jiuxian"])
    client.post(reverse("tip_link", args=[verified.pk]), {"kind": "penalty", "object_id": penalty.pk})
    assert list(verified.penalties.all()) == [penalty]
    page = client.get(reverse("tip_detail", args=[verified.pk])).content.decode()
    assert f"旧县喷涂厂 罚款 5,000.00 元（{penalty.filed_on:%Y-%m-%d} 立案）" in page and f"#{penalty.pk} " not in page


@pytest.mark.parametrize("text, start, end", [
    ("2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
    ("2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
    ("2026年2月", dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
])
def test_a_typed_year_or_month_is_a_date_range(text, start, end):
    q = date_q("filed_on", text)
    assert dict(q.children) == {"filed_on__gte": start, "filed_on__lt": end}


def test_a_typed_day_and_non_dates():
    assert dict(date_q("filed_on", "2026-11-24").children) == {"filed_on": dt.date(2026, 11, 24)}
    assert date_q("filed_on", "2026-02-30") is None and date_q("filed_on", "喷涂") is None
