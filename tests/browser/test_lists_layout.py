"""Lists a clerk can read at 1366 px and a town officer on a 390 px phone (issue #13).

Every list page is visited at both widths with records in it. At 1366 px no header or cell is
squeezed below two characters (the "one character per line" columns); at 390 px the lists are
cards — each cell labelled with its column — and nothing overflows the screen sideways.
Screenshots go to test-artifacts/lists-*.png."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anying.core.models import Organisation
from anying.inspections import penalties, records
from anying.oversight import accidents, keytasks, rankings
from anying.oversight.models import AccidentType, RankingScheme
from anying.tips import services as tips
from anying.tips.models import Tip
from tests.inspections.conftest import setup  # noqa: F401  (a fixture)
from tests.inspections.test_records import kwargs
from tests.oversight.test_dashboard import make_hazard

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()

PAGES = {
    "hazards": "/hazards/", "enterprises": "/enterprises/", "inspections": "/inspections/",
    "penalties": "/inspections/penalties/", "tips": "/tips/", "accidents": "/oversight/accidents/",
    "keytasks": "/oversight/key-tasks/", "rankings": "/oversight/rankings/", "users": "/users/", "audit": "/audit/",
}
# A header or cell with more than one character that is narrower than two characters (28 px)
SQUEEZED = """() => Array.from(document.querySelectorAll('main table th, main table td'))
  .filter(c => { const w = c.getBoundingClientRect().width; return w > 0 && w < 28 && c.innerText.trim().length > 1; })
  .map(c => c.innerText.trim().slice(0, 20))"""
CARDS = """() => {
  const rows = Array.from(document.querySelectorAll('main table.ay-list > tbody > tr'));
  const unlabelled = [];  // cells of a named column without the name
  document.querySelectorAll('main table.ay-list').forEach(t => {
    const names = Array.from(t.tHead.rows[0].cells).map(th => th.textContent.trim());
    t.querySelectorAll(':scope > tbody > tr').forEach(r => Array.from(r.cells).forEach((c, i) => {
      if (c.colSpan === 1 && names[i] && !c.getAttribute('data-label')) unlabelled.push(names[i]);
    }));
  });
  return {lists: document.querySelectorAll('main table.ay-list').length,
          cards: rows.length > 0 && rows.every(r => getComputedStyle(r).display === 'block'),
          labelled: unlabelled.length === 0, unlabelled: unlabelled.slice(0, 5),
          width: document.scrollingElement.scrollWidth};
}"""


@pytest.fixture
def listed(users, make_enterprise, setup, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    ent = setup["ent"]
    long = make_enterprise("重庆三友伊菲克来智能科技有限公司", "虎峰镇", "机械", tags=["dust", "hazchem"])
    make_hazard(ent, level="major", to=("start",), actor=users["admin"])
    make_hazard(long, channel="self")
    records.record(users["yingji"], ent, **kwargs(setup))
    penalties.file_case(users["yingji"], ent, {
        "party_name": ent.name, "facts": "未按规定设置泄爆装置", "evidence": "现场检查记录", "violated": "《安全生产法》第三十六条",
        "legal_basis": "《安全生产法》第九十九条", "amount": Decimal("50000.00")}, today=TODAY)
    tips.submit(None, {"category": Tip.Category.MAJOR_HAZARD, "description": "楼梯间堆放几十桶油漆", "place": "宿舍楼楼梯间",
                       "region": ent.region, "anonymous": True}, [], address="10.0.0.1")
    accidents.record(users["admin"], {"occurred_at": timezone.now() - dt.timedelta(days=1), "place": "冲压车间",
                                      "enterprise": long, "accident_type": AccidentType.objects.get(code="WSA10004"),
                                      "summary": "冲床伤人", "serious_injuries": 1, "direct_loss": Decimal("350000")})
    bureau = Organisation.objects.get(name="区应急局")
    table = keytasks.save_table(users["admin"], {"year": TODAY.year, "title": f"{TODAY.year}年工贸行业重点任务“挂图作战”责任表",
                                                 "unit": bureau})
    for number in (1, 2):
        keytasks.save_task(users["admin"], {
            "table": table, "number": number, "task": "“三个责任人”挂牌", "unit": bureau,
            "requirements": "1.按照全区“三个责任人”挂牌履职标准要求，出台工贸行业标准。\n2.纳入全区行政执法和标准化创建的检查范畴。",
            "person": "区应急局工贸科科长、区应急局工贸科科员（2名）", "leader": "区应急局分管副局长",
            "due": TODAY + dt.timedelta(days=30)}, milestones=[(TODAY + dt.timedelta(days=10), "召开工贸企业“两单两卡”现场会")])
    rankings.compute(users["admin"], RankingScheme.objects.get(code="town_monthly").pk, TODAY)


def test_every_list_reads_at_1366_and_as_cards_on_a_phone(listed, new_page):
    desk = log_in(new_page(viewport={"width": 1366, "height": 900}), "admin")
    phone = log_in(new_page(viewport={"width": 390, "height": 844}, is_mobile=True), "admin")
    for name, url in PAGES.items():
        desk.goto(url)
        assert desk.evaluate(SQUEEZED) == [], name
        shoot(desk, f"lists-{name}-1366")
        phone.goto(url)
        layout = phone.evaluate(CARDS)
        shoot(phone, f"lists-{name}-390")
        assert layout["lists"] >= 1 and layout["cards"] and layout["labelled"], (name, layout)
        assert layout["width"] <= 390, (name, layout)
