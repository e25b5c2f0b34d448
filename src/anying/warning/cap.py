"""CAP 1.2 (OASIS Common Alerting Protocol, the format of 国家突发事件预警信息发布系统 exchange and
of most weather services): every warning as a CAP message, the public feed, and messages from
outside (the weather bureau's file or feed) read into draft warnings.

Both directions are checked against the OASIS schema (data/cap12.xsd): what we send validates,
and what we read must validate before anything is created. How GB/T 35965.1-2018 names the same
fields is in docs/warning.md (its identifier format could not be checked against the standard's
text, so the identifier stays our own number)."""

from __future__ import annotations

import datetime as dt
import math
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone
from lxml import etree

from anying.core.links import absolute_or_relative

from .models import Level, Warning
from .reference import kind_by_label, kinds

NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM = "http://www.w3.org/2005/Atom"
SCHEMA_FILE = Path(__file__).parent / "data" / "cap12.xsd"
MAX_BYTES = 1_000_000  # a CAP message is a few kB; a feed of many, still far below this

SEVERITY = {Level.RED: "Extreme", Level.ORANGE: "Severe", Level.YELLOW: "Moderate", Level.BLUE: "Minor"}
URGENCY = {Level.RED: "Immediate", Level.ORANGE: "Immediate", Level.YELLOW: "Expected", Level.BLUE: "Expected"}
COLOUR_WORDS = {"红色": Level.RED, "橙色": Level.ORANGE, "黄色": Level.YELLOW, "蓝色": Level.BLUE,
                "red": Level.RED, "orange": Level.ORANGE, "yellow": Level.YELLOW, "blue": Level.BLUE}
BY_SEVERITY = {v: k for k, v in SEVERITY.items()}
STATUS = {Warning.Status.DRAFT: "Draft", Warning.Status.SUBMITTED: "Draft", Warning.Status.RETURNED: "Draft"}


class CapError(ValueError):
    """A message that cannot be read; the text says why in Chinese."""


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))


def _parser() -> etree.XMLParser:
    # no entities, no DTD, no network: an uploaded or fetched file must not read our disk (XXE)
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_blank_text=True)


def sender() -> str:
    return settings.ANYING_CAP_SENDER


def _time(value: dt.datetime) -> str:
    # CAP's own pattern: seconds, an explicit offset, no fraction, no "Z"
    local = timezone.localtime(value).replace(microsecond=0)
    text = local.isoformat()
    return text if text[-6] in "+-" else local.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _sub(parent, tag: str, text: str | None = None):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _pair(parent, tag: str, name: str, value: str) -> None:
    element = _sub(parent, tag)
    _sub(element, "valueName", name)
    _sub(element, "value", value)


def reference_of(warning: Warning) -> str:
    """CAP `references`: sender,identifier,sent of the earlier message."""
    src = warning.external_sender or sender()
    ident = warning.external_identifier or warning.number
    sent = warning.external_sent or warning.issued_at or warning.created_at
    return f"{src},{ident},{_time(sent)}"


def to_xml(warning: Warning) -> bytes:
    """The warning as a CAP 1.2 message (valid against the schema; tests check every kind)."""
    kind = kinds().get(warning.kind) or kinds()["other"]
    alert = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(alert, "identifier", warning.number)
    _sub(alert, "sender", sender())
    _sub(alert, "sent", _time(warning.issued_at or warning.created_at or timezone.now()))
    _sub(alert, "status", STATUS.get(warning.status, "Actual"))
    _sub(alert, "msgType", warning.msg_type)
    _sub(alert, "source", warning.agency)
    _sub(alert, "scope", "Public")
    if warning.references_id:
        _sub(alert, "references", reference_of(warning.references))
    info = _sub(alert, "info")
    _sub(info, "language", "zh-CN")
    _sub(info, "category", kind.cap_category)
    _sub(info, "event", f"{kind.label}{warning.get_level_display()}预警")
    _sub(info, "responseType", "AllClear" if warning.msg_type == Warning.MsgType.CANCEL else
         ("Evacuate" if warning.level == Level.RED and "geological" in kind.families else "Prepare"))
    _sub(info, "urgency", "Past" if warning.msg_type == Warning.MsgType.CANCEL else URGENCY[warning.level])
    _sub(info, "severity", SEVERITY[warning.level])
    _sub(info, "certainty", "Likely")
    _pair(info, "eventCode", "anying:kind", warning.kind)
    _pair(info, "eventCode", "anying:level", warning.level)
    if warning.issued_at:
        _sub(info, "effective", _time(warning.issued_at))
    _sub(info, "onset", _time(warning.onset))
    _sub(info, "expires", _time(warning.expires))
    _sub(info, "senderName", warning.agency)
    _sub(info, "headline", warning.headline)
    _sub(info, "description", warning.description)
    if warning.instruction:
        _sub(info, "instruction", warning.instruction)
    web = absolute_or_relative(f"/warnings/public/{warning.number}/")
    if web.startswith("http"):
        _sub(info, "web", web)
    _pair(info, "parameter", "预警级别", warning.get_level_display())
    regions = list(warning.regions.all()) if warning.pk else []
    area = _sub(info, "area")
    _sub(area, "areaDesc", warning.area_desc or "、".join(r.name for r in regions) or warning.unit.region.name)
    if warning.polygon:
        _sub(area, "polygon", polygon_text(warning.polygon))
    for region in regions:
        if region.code:
            _pair(area, "geocode", "GB/T 2260", region.code)
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def polygon_text(ring: list) -> str:
    """GeoJSON [lon, lat] ring → CAP "lat,lon lat,lon …", closed (first point repeated)."""
    points = [(p[1], p[0]) for p in ring]
    if points and points[0] != points[-1]:
        points.append(points[0])
    return " ".join(f"{lat},{lon}" for lat, lon in points)


def parse_polygon(text: str) -> list:
    ring = []
    for pair in text.split():
        lat, lon = pair.split(",")
        ring.append([float(lon), float(lat)])
    if ring and ring[0] == ring[-1]:
        ring = ring[:-1]  # CAP closes the ring; we keep the vertices
    if len(ring) < 3:
        raise CapError("多边形至少需要 3 个顶点")
    return ring


def validate(document: bytes) -> etree._Element:
    """Parse and check against the CAP 1.2 schema; CapError with the first problems otherwise."""
    if len(document) > MAX_BYTES:
        raise CapError("文件过大，不是一条 CAP 预警消息")
    try:
        root = etree.fromstring(document, _parser())
    except etree.XMLSyntaxError as exc:
        raise CapError(f"不是有效的 XML：{exc}") from None
    if root.getroottree().docinfo.doctype:
        raise CapError("CAP 消息不能带文档类型声明（DOCTYPE），未导入")  # entities could read files or loop
    if root.tag != f"{{{NS}}}alert":
        raise CapError("不是 CAP 1.2 预警消息（根元素须为 urn:oasis:names:tc:emergency:cap:1.2 的 alert）")
    checker = schema()
    try:
        ok = checker.validate(root)
    except etree.XMLSchemaValidateError:
        ok = False
    if not ok:
        problems = "；".join(f"第 {e.line} 行：{e.message}" for e in list(checker.error_log)[:3])
        raise CapError(f"不符合 CAP 1.2 格式：{problems}")
    return root


@dataclass
class Parsed:
    """What a CAP message says, in our terms (services.import_cap creates the draft)."""

    sender: str
    identifier: str
    sent: dt.datetime
    msg_type: str
    status: str
    references: list[tuple[str, str]]
    kind: str
    level: str
    agency: str
    headline: str
    description: str
    instruction: str
    onset: dt.datetime
    expires: dt.datetime
    area_desc: str
    geocodes: list[str] = field(default_factory=list)
    polygon: list | None = None


def _text(node, path: str, *, multiline: bool = False) -> str:
    """An element's text through the house input policy: control characters refused, line-break
    look-alikes normalised (a headline reaches an SMS)."""
    from django.core.exceptions import ValidationError

    from anying.core import textinput

    found = node.find(path, {"c": NS})
    text = (found.text or "").strip() if found is not None else ""
    try:
        return textinput.clean(text, multiline=multiline)
    except ValidationError:
        raise CapError(f"{path.split(':')[-1]} 含有不可见的控制字符，未导入") from None


def _when(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:  # the schema admits 24:00:00 and other forms Python does not
        raise CapError(f"时间格式无法识别：{text[:40]}") from None


def parse(document: bytes) -> Parsed:
    root = validate(document)
    infos = root.findall("c:info", {"c": NS})
    if not infos:
        raise CapError("CAP 消息没有 info 段，无法生成预警")
    info = next((i for i in infos if _text(i, "c:language").lower().startswith("zh")), infos[0])
    sent = _when(_text(root, "c:sent"))
    headline, event = _text(info, "c:headline"), _text(info, "c:event")
    words = f"{event} {headline}"
    codes = {_text(e, "c:valueName"): _text(e, "c:value") for e in info.findall("c:eventCode", {"c": NS})}
    kind = codes.get("anying:kind") if codes.get("anying:kind") in kinds() else kind_by_label(words)
    level = codes.get("anying:level") or next((lvl for word, lvl in COLOUR_WORDS.items() if word in words.lower()),
                                              None) or BY_SEVERITY.get(_text(info, "c:severity"))
    if level not in Level.values:
        raise CapError("无法确定预警级别：标题或事件中没有“红/橙/黄/蓝色”，严重程度也不是四级之一")
    onset = _when(_text(info, "c:onset")) or _when(_text(info, "c:effective")) or sent
    expires = _when(_text(info, "c:expires")) or onset + dt.timedelta(hours=24)
    references = []
    for ref in _text(root, "c:references").split():
        parts = ref.split(",")
        if len(parts) >= 2:
            references.append((parts[0], parts[1]))
    area = info.find("c:area", {"c": NS})
    geocodes, polygon, area_desc = [], None, ""
    if area is not None:
        area_desc = _text(area, "c:areaDesc")
        geocodes = [_text(g, "c:value") for g in area.findall("c:geocode", {"c": NS})]
        text = _text(area, "c:polygon")
        if text:
            try:
                polygon = parse_polygon(text)
            except (ValueError, IndexError):
                raise CapError("多边形坐标格式错误（应为“纬度,经度 纬度,经度 …”）") from None
            if not all(math.isfinite(v) for point in polygon for v in point):
                raise CapError("多边形坐标须为有效数字")
    return Parsed(sender=_text(root, "c:sender"), identifier=_text(root, "c:identifier"), sent=sent,
                  msg_type=_text(root, "c:msgType"), status=_text(root, "c:status"), references=references,
                  kind=kind, level=level, agency=_text(info, "c:senderName") or _text(root, "c:sender"),
                  headline=headline or event, description=_text(info, "c:description", multiline=True) or headline or event,
                  instruction=_text(info, "c:instruction", multiline=True), onset=onset, expires=expires, area_desc=area_desc,
                  geocodes=geocodes, polygon=polygon)


# -- feeds ----------------------------------------------------------------------------------------

def feed_allowed(url: str) -> bool:
    """http or https to the hosts of ANYING_CAP_FEED_HOSTS only (a weather bureau's intranet feed is
    often plain http):
    the server fetches this address, so any other would let a user make it call anywhere."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (parts.scheme in ("https", "http") and parts.hostname in settings.ANYING_CAP_FEED_HOSTS
            and not parts.username and not parts.password and port in (None, 80, 443, *settings.ANYING_CAP_FEED_PORTS))


class _Refuse(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if feed_allowed(newurl):
            return super().redirect_request(req, fp, code, msg, headers, newurl)
        raise urllib.error.HTTPError(req.full_url, code, f"不跟随到允许范围之外的重定向：{newurl}", headers, fp)


_OPENER = urllib.request.build_opener(_Refuse)


def fetch(url: str) -> bytes:
    if not feed_allowed(url):
        raise CapError("该地址不在允许的预警来源中（ANYING_CAP_FEED_HOSTS），未读取")
    try:
        with _OPENER.open(url, timeout=15) as response:  # noqa: S310 - checked address
            body = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise CapError(f"读取失败：{exc}") from None
    if len(body) > MAX_BYTES:
        raise CapError("内容过大，未读取")
    return body


def messages_at(url: str) -> list[tuple[str, bytes]]:
    """The CAP messages at an address: the message itself, or each entry of an Atom or RSS feed
    (the usual way a weather service lists its current warnings)."""
    body = fetch(url)
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise CapError(f"不是有效的 XML：{exc}") from None
    if root.tag == f"{{{NS}}}alert":
        return [(url, body)]
    links = []
    if root.tag == f"{{{ATOM}}}feed":
        for entry in root.findall(f"{{{ATOM}}}entry"):
            link = entry.find(f"{{{ATOM}}}link")
            if link is not None and link.get("href"):
                links.append(urljoin(url, link.get("href")))
    elif root.tag == "rss":
        links = [urljoin(url, (item.findtext("link") or "").strip()) for item in root.iter("item")
                 if (item.findtext("link") or "").strip()]
    else:
        raise CapError("既不是 CAP 消息，也不是 Atom/RSS 预警订阅源")
    return [(link, fetch(link)) for link in links[:50]]


def feed_xml(warnings, base: str) -> bytes:
    """Our public Atom feed of the issued warnings, each entry linking its CAP message."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    etree.SubElement(feed, f"{{{ATOM}}}id").text = f"{base}/warnings/feed.xml"
    etree.SubElement(feed, f"{{{ATOM}}}title").text = settings.ANYING_CAP_FEED_TITLE
    etree.SubElement(feed, f"{{{ATOM}}}updated").text = _time(timezone.now())
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    etree.SubElement(author, f"{{{ATOM}}}name").text = sender()
    for w in warnings:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        etree.SubElement(entry, f"{{{ATOM}}}id").text = f"{sender()}:{w.number}"
        etree.SubElement(entry, f"{{{ATOM}}}title").text = w.headline
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = _time(w.issued_at)
        etree.SubElement(entry, f"{{{ATOM}}}summary").text = w.description[:500]
        etree.SubElement(entry, f"{{{ATOM}}}link", href=f"{base}/warnings/public/{w.number}.xml",
                         type="application/cap+xml")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
