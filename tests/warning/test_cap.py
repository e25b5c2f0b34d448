"""CAP 1.2 out and in: every warning exports a message valid against the OASIS schema; messages
from outside are validated first and become drafts; unsafe or malformed input changes nothing."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from lxml import etree

from anying.warning import cap, services
from anying.warning.models import Warning
from anying.warning.reference import kinds

from .conftest import issue

SAMPLE = (Path(cap.__file__).parent / "data" / "sample_cap.xml").read_bytes()


def valid(xml: bytes) -> etree._Element:
    root = etree.fromstring(xml)
    assert cap.schema().validate(root), cap.schema().error_log
    return root


@pytest.mark.parametrize("code", sorted(kinds()))
def test_every_kind_and_level_exports_valid_cap(code, make_warning):
    for level in ("blue", "yellow", "orange", "red"):
        w = make_warning(kind=code, level=level, polygon=[[106.0, 29.8], [106.1, 29.8], [106.1, 29.9]])
        root = valid(cap.to_xml(w))
        ns = {"c": cap.NS}
        assert root.findtext("c:status", namespaces=ns) == "Draft"
        assert root.findtext("c:info/c:severity", namespaces=ns) == cap.SEVERITY[level]
        assert root.findtext("c:info/c:area/c:polygon", namespaces=ns).startswith("29.8,106.0 ")


def test_issued_update_and_cancel_validate_and_reference(issued, users):
    ns = {"c": cap.NS}
    root = valid(cap.to_xml(issued))
    assert root.findtext("c:status", namespaces=ns) == "Actual"
    assert root.findtext("c:msgType", namespaces=ns) == "Alert"
    update = services.follow_up(users["yingji"], issued.pk, "Update")
    root = valid(cap.to_xml(update))
    assert root.findtext("c:msgType", namespaces=ns) == "Update"
    assert root.findtext("c:references", namespaces=ns).split(",")[1] == issued.number
    issue(update, users["yingji"], users["leader"])
    issued.refresh_from_db()
    assert issued.status == Warning.Status.UPDATED
    cancel = services.follow_up(users["yingji"], update.pk, "Cancel")
    issue(cancel, users["yingji"], users["leader"])
    root = valid(cap.to_xml(Warning.objects.get(pk=cancel.pk)))
    assert root.findtext("c:msgType", namespaces=ns) == "Cancel"
    assert root.findtext("c:info/c:responseType", namespaces=ns) == "AllClear"
    assert Warning.objects.get(pk=update.pk).status == Warning.Status.CANCELLED


def test_import_sample_creates_a_draft_of_the_importer_with_its_towns(users):
    w = services.import_cap(users["duty"], SAMPLE)
    assert w.status == Warning.Status.DRAFT and w.source == Warning.Source.CAP
    assert (w.kind, w.level, w.agency) == ("rainstorm", "orange", "铜梁区气象台")
    assert w.unit == users["duty"].unit and w.drafted_by == users["duty"]
    assert sorted(r.name for r in w.regions.all()) == ["旧县街道", "虎峰镇"]
    assert w.external_identifier == "50015141600000_20260607153000"
    assert w.expires > timezone.now()  # an old file's expiry is moved into the future for the editor
    with pytest.raises(ValidationError, match="已导入过"):
        services.import_cap(users["duty"], SAMPLE)


def test_import_refuses_invalid_messages_with_reasons_and_creates_nothing(users):
    bad = SAMPLE.replace(b"<urgency>Immediate</urgency>", b"<urgency>Soon</urgency>")
    with pytest.raises(cap.CapError, match="不符合 CAP 1.2 格式"):
        services.import_cap(users["duty"], bad)
    with pytest.raises(cap.CapError, match="不是有效的 XML"):
        services.import_cap(users["duty"], b"<alert>")
    with pytest.raises(cap.CapError, match="不是 CAP 1.2"):
        services.import_cap(users["duty"], b"<feed xmlns='http://www.w3.org/2005/Atom'/>")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           + SAMPLE.split(b"?>", 1)[1].split(b"-->", 1)[1].replace(b"<description>", b"<description>&x;"))
    with pytest.raises(cap.CapError):
        services.import_cap(users["duty"], xxe)
    assert not Warning.objects.exists()


def test_import_needs_permission(users, make_enterprise, enterprise_user):
    from anying.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_cap(users["leader"], SAMPLE)  # the approver signs off; writing is the editor's


def test_import_of_an_update_references_our_copy(users):
    first = services.import_cap(users["duty"], SAMPLE)
    services.act(users["duty"], first.pk, "submit")
    services.act(users["leader"], first.pk, "issue")
    update = (SAMPLE.replace(b"<msgType>Alert</msgType>",
                             b"<msgType>Update</msgType><scope>Public</scope><references>tongliang.qx@cq.cma.example,"
                             b"50015141600000_20260607153000,2026-06-07T15:30:00+08:00</references>")
              .replace(b"<scope>Public</scope>\n  <info>", b"<info>")
              .replace(b"50015141600000_20260607153000</identifier>", b"50015141600000_20260607163000</identifier>")
              .replace("橙色".encode(), "红色".encode()))
    w = services.import_cap(users["duty"], update)
    assert w.msg_type == "Update" and w.references_id == first.pk and w.level == "red"


def test_feed_urls_are_limited_to_configured_hosts(settings, users):
    settings.ANYING_CAP_FEED_HOSTS = ["qx.example.cn"]
    assert cap.feed_allowed("https://qx.example.cn/cap/feed.xml")
    for url in ("https://evil.example.com/x", "http://127.0.0.1/", "file:///etc/passwd",
                "https://user:pw@qx.example.cn/", "https://qx.example.cn:8443/"):
        assert not cap.feed_allowed(url), url
    with pytest.raises(cap.CapError, match="不在允许"):
        services.import_url(users["duty"], "http://127.0.0.1:8000/feed.xml")


def test_import_from_an_atom_feed_follows_entries(monkeypatch, settings, users):
    settings.ANYING_CAP_FEED_HOSTS = ["qx.example.cn"]
    feed = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/cap/1.xml"/></entry></feed>')
    pages = {"https://qx.example.cn/feed.xml": feed, "https://qx.example.cn/cap/1.xml": SAMPLE}
    monkeypatch.setattr(cap, "fetch", lambda url: pages[url] if cap.feed_allowed(url) else (_ for _ in ()).throw(
        cap.CapError("不在允许")))
    created = services.import_url(users["duty"], "https://qx.example.cn/feed.xml")
    assert len(created) == 1 and created[0].external_sender == "tongliang.qx@cq.cma.example"
    assert services.import_url(users["duty"], "https://qx.example.cn/feed.xml") == []  # read once


def test_public_feed_lists_issued_warnings_only(client, issued, make_warning):
    make_warning(headline="草稿不公开")
    response = client.get("/warnings/feed.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert issued.headline in body and "草稿不公开" not in body
    cap_response = client.get(f"/warnings/public/{issued.number}.xml")
    valid(cap_response.content)
    draft = Warning.objects.get(headline="草稿不公开")
    assert client.get(f"/warnings/public/{draft.number}.xml").status_code == 404


def test_polygon_limits(make_warning):
    with pytest.raises(ValidationError, match="3 至 100"):
        make_warning(polygon=[[106.0 + i / 1000, 29.8] for i in range(101)])
    with pytest.raises(ValidationError, match="中国境内"):
        make_warning(polygon=[[10.0, 29.8], [106.1, 29.8], [106.1, 29.9]])
    assert dt  # noqa: B018


def test_the_tick_polls_configured_feeds_into_drafts_of_the_unit(monkeypatch, settings, users):
    from anying.core.models import Notification

    settings.ANYING_CAP_FEEDS = ["https://qx.example.cn/feed.xml"]
    settings.ANYING_CAP_FEED_HOSTS = ["qx.example.cn"]
    settings.ANYING_CAP_FEED_UNIT = "区应急局"
    services._LAST_POLL.clear()
    feed = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/cap/1.xml"/></entry></feed>'
    pages = {"https://qx.example.cn/feed.xml": feed, "https://qx.example.cn/cap/1.xml": SAMPLE}
    monkeypatch.setattr(cap, "fetch", lambda url: pages[url])
    now = timezone.now()
    assert services.poll_feeds(now) == 1
    w = Warning.objects.get()
    assert w.unit.name == "区应急局" and w.status == Warning.Status.DRAFT and w.drafted_by is None
    assert Notification.objects.filter(user=users["yingji"], title__contains="外部预警").exists()
    assert services.poll_feeds(now + dt.timedelta(minutes=1)) == 0  # not again within the interval
    assert services.poll_feeds(now + dt.timedelta(minutes=6)) == 0  # read again, nothing new
    monkeypatch.setattr(cap, "fetch", lambda url: (_ for _ in ()).throw(cap.CapError("读取失败")))
    assert services.poll_feeds(now + dt.timedelta(minutes=12)) == 0  # a failing feed does not stop the tick
