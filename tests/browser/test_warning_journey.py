"""Issue #17's journey in a browser: the weather bureau's CAP file is imported as a draft; the
editor (the duty officer) completes it and submits it; the leader signs it off; the recipients in
两个镇街 are told — among them the three responsible persons of a geological point in 旧县街道 —
and the point's evacuation opens; some answer on their phones through the link in the SMS, without
an account; the silent ones escalate on the clock to call tasks, which 旧县街道's desk works through
on a phone; then the town reports the point's households 转移到位. Screenshots at 390 and 1366 px."""

import datetime as dt
import random
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.warning import cap, delivery
from anying.warning import demo as warning_demo
from anying.warning.models import CallTask, Recipient, Warning

from ..riskpoints.conftest import contact, make_point, shelter  # noqa: F401 — fixtures
from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}
SAMPLE = Path(cap.__file__).parent / "data" / "sample_cap.xml"


def test_cap_import_sign_off_ack_calls_and_evacuation(new_page, users, tmp_path, make_point):  # noqa: F811
    from anying.riskpoints.models import Evacuation

    warning_demo._contacts(random.Random(5))  # the 责任人名册 of 旧县街道 and 虎峰镇
    point = make_point(name="龙洞湾4组滑坡", households=3, trigger_level="orange")
    cap_file = tmp_path / "tongliang-rainstorm.xml"
    cap_file.write_bytes(SAMPLE.read_bytes())

    # the duty officer imports the weather bureau's file and completes the draft
    editor = log_in(new_page(**DESK), "duty")
    editor.goto("/warnings/")
    editor.get_by_role("link", name="导入 CAP").click()
    editor.get_by_label("CAP 文件（.xml）").set_input_files(str(cap_file))
    shoot(editor, "warning-1-import-1366")
    editor.get_by_role("button", name="导入").click()
    expect(editor.locator(".alert-info")).to_contain_text("由 CAP 消息导入")
    expect(editor.get_by_label("预警类型")).to_have_value("rainstorm")
    expect(editor.get_by_label("预警级别")).to_have_value("orange")
    editor.get_by_label("防御指南和措施要求").fill("各镇街组织雨中巡查，按转移清单做好人员转移准备。")
    editor.get_by_label("失效时间").fill(timezone.localtime(timezone.now() + dt.timedelta(hours=12)).strftime(
        "%Y-%m-%dT%H:%M"))
    # the area as a polygon too: three clicks on the map
    area = editor.locator("#warning-map")
    area.scroll_into_view_if_needed()
    for x, y in ((120, 80), (420, 90), (300, 260)):
        area.click(position={"x": x, "y": y})
    expect(editor.locator("[data-ay-polygon-count]")).to_have_text("3 个顶点")
    assert len(editor.get_by_label("预警范围（多边形，可选）").input_value().split()) == 3
    shoot(editor, "warning-2a-polygon-1366")
    editor.get_by_role("button", name="清除").click()  # the towns are the area after all
    expect(editor.locator("[data-ay-polygon-count]")).to_have_text("未画范围")
    shoot(editor, "warning-2-complete-draft-1366")
    editor.get_by_role("button", name="保存草稿").click()
    expect(editor.locator("#warning-status")).to_have_text("草稿")
    editor.get_by_role("button", name="提交签发").click()
    expect(editor.locator("#warning-status")).to_have_text("待签发")
    expect(editor.get_by_role("button", name="签发发布")).to_have_count(0)  # not the editor's to sign off
    warning = Warning.objects.get(source="cap")
    assert sorted(r.name for r in warning.regions.all()) == ["旧县街道", "虎峰镇"]
    assert warning.polygon is None

    # the leader signs it off: the recipients of both towns are told
    leader = log_in(new_page(**DESK), "leader")
    leader.goto(f"/warnings/{warning.pk}/")
    leader.get_by_role("button", name="签发发布").click()
    expect(leader.locator("#warning-status")).to_have_text("已发布")
    expect(leader.locator("#warning-progress")).to_contain_text("旧县街道")
    expect(leader.locator("#warning-progress")).to_contain_text("虎峰镇")
    told = list(Recipient.objects.filter(warning=warning).exclude(phone="").order_by("pk"))
    assert {r.town.name for r in told} >= {"旧县街道", "虎峰镇"} and len(told) >= 20
    assert {point.admin_responsible.phone, point.keeper_responsible.phone} <= {r.phone for r in told}
    evacuation = Evacuation.objects.get(point=point)  # the orange rainstorm meets the point's trigger
    shoot(leader, "warning-3-issued-1366")

    # some answer on their phones through the SMS link, with no account
    for person in [r for r in told if r.town.name == "虎峰镇"][:3] + [r for r in told if r.town.name == "旧县街道"][:2]:
        phone = new_page(**PHONE)
        phone.goto(f"/w/{delivery.token(person.pk)}/")
        expect(phone.get_by_role("heading", name=warning.headline)).to_be_visible()
        if person == told[0] or person.pk == min(r.pk for r in told if r.town.name == "虎峰镇"):
            shoot(phone, "warning-4-sms-link-390")
        phone.get_by_role("button", name="我已收到").click()
        expect(phone.locator("#ack-done")).to_contain_text("已确认收到")
    shoot(phone, "warning-5-acknowledged-390")
    assert Recipient.objects.filter(warning=warning, via=Recipient.Via.LINK).count() == 5

    # silence escalates: a second SMS after 5 minutes, a call task on the town's desk 5 minutes later
    now = timezone.now()
    delivery.escalate_due(now + dt.timedelta(minutes=6))
    delivery.escalate_due(now + dt.timedelta(minutes=12))
    silent = Recipient.objects.filter(warning=warning, acknowledged_at__isnull=True)
    assert CallTask.objects.filter(recipient__warning=warning).count() == silent.count() > 0

    # 旧县街道's inspector works the calls on a phone
    town = log_in(new_page(**PHONE), "jiuxian")
    town.goto("/warnings/calls/")
    first = CallTask.objects.filter(recipient__town__name="旧县街道").order_by("created_at", "pk").first()
    expect(town.locator("#call-tasks")).to_contain_text(first.recipient.name)
    shoot(town, "warning-6-calls-390")
    town.locator("#call-tasks .list-group-item").first.get_by_role("button", name="已接通，已叫应").click()
    first.refresh_from_db()
    assert first.outcome == CallTask.Outcome.REACHED and first.recipient.via == Recipient.Via.CALL

    # the progress per town shows the answers
    leader.goto(f"/warnings/{warning.pk}/")
    rows = delivery.progress(warning)
    hufeng = next(r for r in rows if r["town"] == "虎峰镇")
    assert hufeng["acked"] >= 3
    expect(leader.locator("#warning-progress")).to_contain_text(f"{hufeng['acked']}")
    shoot(leader, "warning-7-progress-1366")
    # the town reports the geological point's households 转移到位, on the phone
    town.goto("/riskpoints/evacuations/?status=open")
    town.get_by_role("link", name="龙洞湾4组滑坡").click()
    town.get_by_role("link", name="确认转移到位").click()
    for n in range(3):
        town.locator(".ay-household").first.get_by_role("button", name="转移到位").click()
        expect(town.locator("[data-moved-households]")).to_have_text(f"{n + 1}/3")
    expect(town.locator("#evac-left")).to_contain_text("全部住户已转移到位")
    shoot(town, "warning-8-households-moved-390")
    evacuation.refresh_from_db()
    assert evacuation.status == Evacuation.Status.DONE and evacuation.households_moved == 3

    desk = log_in(new_page(**DESK), "admin")
    desk.goto("/incidents/desk/")
    expect(desk.locator(".ay-desk-panel").filter(has_text="生效中的预警")).to_contain_text(warning.headline)
    shoot(desk, "warning-9-duty-desk-1366")
