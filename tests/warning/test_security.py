"""What the security review of the warning app found, each pinned: the 叫应 ledger (officials'
phones) is not shown outside the territory; an import cannot touch another unit's warning; whoever
changed a draft cannot sign it off; malformed CAP is refused, never a 500; the public link
survives odd keys; the desk cannot record a person's own confirmation."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from anying.core.errors import PermissionDenied
from anying.warning import cap, services
from anying.warning.models import Recipient, Warning

from .conftest import issue

SAMPLE = (Path(cap.__file__).parent / "data" / "sample_cap.xml").read_bytes()


def test_the_ledger_stays_in_the_territory(issued, login, users, make_enterprise, enterprise_user):
    hufeng = login(users["hufeng"]).get(f"/warnings/{issued.pk}/").content.decode()
    jiuxian_people = issued.recipients.filter(region__path__startswith=users["jiuxian"].unit.region.path)
    hufeng_people = issued.recipients.filter(region__path__startswith=users["hufeng"].unit.region.path)
    assert jiuxian_people.exists() and hufeng_people.exists()
    assert all(r.phone not in hufeng for r in jiuxian_people if r.phone)
    assert any(r.phone in hufeng for r in hufeng_people if r.phone)
    ent = make_enterprise("旧县化工", industry_name="危险化学品")
    company = login(enterprise_user(ent))
    page = company.get(f"/warnings/{issued.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and issued.headline in body  # the warning itself is for them too
    assert all(r.phone not in body for r in issued.recipients.all() if r.phone) and "叫应进度" not in body


def test_the_api_counts_only_the_callers_people(issued, users):
    from .test_pages import api_for

    town = api_for(users["hufeng"]).get(f"/api/v1/warnings/{issued.pk}").json()
    assert {t["town"] for t in town["towns"]} == {"虎峰镇"}
    assert town["told"] == issued.recipients.filter(region__path__startswith=users["hufeng"].unit.region.path).count()


def test_an_import_cannot_cancel_another_units_warning(issued, users):
    cancel = (SAMPLE.replace(b"<msgType>Alert</msgType>",
                             b"<msgType>Cancel</msgType><scope>Public</scope><references>anying@localhost,"
                             + issued.number.encode() + b",2026-06-07T15:30:00+08:00</references>")
              .replace(b"<scope>Public</scope>\n  <info>", b"<info>"))
    town_copy = services.import_cap(users["jiuxian"], cancel)  # 旧县街道 cannot reach the district's warning
    assert town_copy.references_id is None and town_copy.msg_type == "Alert"
    town_copy.references, town_copy.msg_type = issued, "Cancel"
    Warning.objects.filter(pk=town_copy.pk).update(references=issued, msg_type="Cancel")
    services.act(users["jiuxian"], town_copy.pk, "submit")
    with pytest.raises(PermissionDenied, match="本单位"):
        services.act(users["admin"], town_copy.pk, "issue")
    issued.refresh_from_db()
    assert issued.status == Warning.Status.ISSUED


def test_whoever_changed_a_draft_cannot_sign_it(make_warning, users):
    from anying.core.roles import Role
    from anying.core.services import create_user

    from ..conftest import PASSWORD

    chief = create_user(None, username="chief", password=PASSWORD, role=Role.DISTRICT_ADMIN, unit=users["yingji"].unit)
    w = make_warning(author="yingji")
    w.headline = "局长改过的标题"
    services.save_draft(chief, w, w.regions.all())  # the bureau's admin holds both edit and issue
    services.act(users["yingji"], w.pk, "submit")
    assert "issue" not in {t.name for t in services.LIFECYCLE.available(chief, w)}
    with pytest.raises(PermissionDenied):
        services.act(chief, w.pk, "issue")
    assert services.act(users["leader"], w.pk, "issue").status == Warning.Status.ISSUED


@pytest.mark.parametrize("change", [
    (b"<onset>2026-06-07T15:30:00+08:00</onset>", b"<onset>2026-06-07T24:00:00+08:00</onset>"),
    (b"<areaDesc>", b"<polygon>nan,nan 29.8,106.1 29.9,106.1 nan,nan</polygon><areaDesc>"),
    (b"<headline>", b"<headline>&#x85;&#x1b;"),
])
def test_malformed_messages_are_refused_not_500(change, users, login):
    bad = SAMPLE.replace(*change)
    if b"<polygon>" in bad:  # the schema wants areaDesc first
        bad = bad.replace(b"<polygon>nan,nan 29.8,106.1 29.9,106.1 nan,nan</polygon><areaDesc>", b"<areaDesc>").replace(
            b"</areaDesc>", b"</areaDesc><polygon>nan,nan 29.8,106.1 29.9,106.1 nan,nan</polygon>")
    with pytest.raises(cap.CapError):
        services.import_cap(users["duty"], bad)
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = login(users["duty"]).post("/warnings/import/", {"file": SimpleUploadedFile("x.xml", bad, "application/xml")})
    assert page.status_code == 200 and not Warning.objects.exists()


def test_exercise_and_test_messages_are_not_imported(users):
    with pytest.raises(ValidationError, match="不是实际预警"):
        services.import_cap(users["duty"], SAMPLE.replace(b"<status>Actual</status>", b"<status>Exercise</status>"))


def test_odd_keys_and_parameters_answer_404_not_500(client, issued, login, users):
    for key in ("²-abc", "١-abc", "1-" + "é" * 20, "-", "9" * 40):
        assert client.get(f"/w/{key}/").status_code == 404
    assert login(users["admin"]).get(f"/warnings/{issued.pk}/?town=²").status_code == 200


def test_the_desk_records_calls_not_someone_elses_own_confirmation(issued, users):
    r = issued.recipients.filter(town__name="旧县街道").first()
    with pytest.raises(PermissionDenied, match="只有本人"):
        services.acknowledge_for(users["jiuxian"], r.pk, via=Recipient.Via.APP)
    services.acknowledge_for(users["jiuxian"], r.pk, via=Recipient.Via.CALL)


def test_town_desks_see_only_their_own_calls(make_warning, roster, users, login, district):
    import datetime as dt

    from django.utils import timezone

    from anying.warning import delivery
    from anying.warning.models import CallTask, Contact

    Contact.objects.create(name="区防办主任", phone="13900000009", region=district, role="other", families="general")
    issue(make_warning(towns=("旧县街道",)), users["yingji"], users["leader"])
    # the district-level person is told when the warning names the district
    from anying.warning.models import Warning as W
    whole = make_warning(towns=("旧县街道",))
    whole.regions.add(district)
    issue(whole, users["yingji"], users["leader"])
    assert W.objects.filter(status="issued").count() == 2
    now = timezone.now()
    delivery.escalate_due(now + dt.timedelta(minutes=6))
    delivery.escalate_due(now + dt.timedelta(minutes=12))
    district = CallTask.objects.exclude(unit__kind="town_office").first()
    assert district is not None  # the district-level people go to the issuing unit's desk
    page = login(users["jiuxian"]).get("/warnings/calls/").content.decode()
    assert f"/warnings/calls/{district.pk}/" not in page
    assert issue  # noqa: B018
