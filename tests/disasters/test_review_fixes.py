"""What the review of issue #18's reporting found, each pinned by a test."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import Organisation
from anying.core.services import create_token, save_organisation
from anying.disasters import registers, services
from anying.disasters.models import Aid, Due, Report, VillageReturn
from anying.places.models import Place
from tests.conftest import photo

from .conftest import send

pytestmark = pytest.mark.django_db


def test_a_village_officer_sees_no_towns_figures_on_the_event_page(make_event, users, villages, town, login):
    event = make_event(towns=("旧县街道", "虎峰镇"))
    send(users["hufeng"], event, town("虎峰镇"), {"affected": 4321})
    send(users["jiuxian"], event, town("旧县街道"), {"affected": 1234})
    page = login(villages["玉泉村"][2]).get(f"/disasters/{event.pk}/").content.decode()
    assert "4321" not in page and "1234" not in page
    town_page = login(users["jiuxian"]).get(f"/disasters/{event.pk}/").content.decode()
    assert "1234" in town_page and "4321" not in town_page


def test_a_returned_report_sent_again_keeps_its_deadline_and_lateness(make_event, users, town):
    event = make_event(towns=("旧县街道",))
    Due.objects.filter(event=event).update(due_at=timezone.now() - dt.timedelta(minutes=10))
    report = send(users["jiuxian"], event, town("旧县街道"), {"affected": 5})
    first_due, late = report.due_at, report.late_minutes
    assert late >= 10
    services.review(users["admin"], report.pk, accept=False, comment="请核实")
    again = services.submit(users["jiuxian"], report.pk)
    assert (again.due_at, again.late_minutes) == (first_due, late)
    assert Due.objects.filter(event=event, stage="update").count() == 1  # the next 续报, once
    assert not Due.objects.filter(event=event, stage="update", met_by__isnull=False).exists()


def test_the_sender_does_not_accept_their_own_report(make_event, users, town):
    event = make_event(towns=("旧县街道",))
    report = send(users["admin"], event, town("旧县街道"), {"affected": 5})  # a phone report entered by the district
    with pytest.raises(PermissionDenied):
        services.review(users["admin"], report.pk, accept=True)
    assert services.review(users["duty"], report.pk, accept=True).status == "accepted"


def test_the_initial_report_is_counted_from_a_late_registration_and_old_starts_are_refused(make_event):
    now = timezone.now()
    event = make_event(towns=("旧县街道",), started_at=now - dt.timedelta(hours=3))
    due = Due.objects.get(event=event)
    assert now + dt.timedelta(minutes=119) < due.due_at <= timezone.now() + dt.timedelta(minutes=120)
    with pytest.raises(ValidationError, match="60天内"):
        make_event(towns=("旧县街道",), started_at=now - dt.timedelta(days=61))


def test_saving_moves_the_as_of_time_and_only_images_count_as_photos(make_event, users, town, monkeypatch):
    event = make_event(towns=("旧县街道",), response_triggered=True)
    report = services.draft_report(users["jiuxian"], event, town("旧县街道"))
    Report.objects.filter(pk=report.pk).update(as_of=timezone.now() - dt.timedelta(days=2))
    saved = services.save_report(users["jiuxian"], report.pk, figures={"affected": 3})
    assert timezone.now() - saved.as_of < dt.timedelta(minutes=1)
    pdfs = [SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf") for n in "ab"]
    with pytest.raises(ValidationError, match="不少于3张"):
        services.submit(users["jiuxian"], report.pk, photos=[photo(), *pdfs])


def test_the_eight_hour_share_counts_people_once_per_shelter(make_event, users, town):
    event = make_event(towns=("旧县街道",))
    send(users["jiuxian"], event, town("旧县街道"), {"affected": 100, "needing_help": 100})
    shelter = Place.objects.create(name="避难场所", kind=Place.Kind.SHELTER, owner=users["jiuxian"].unit,
                                   region=town("旧县街道"))
    when = event.started_at + dt.timedelta(hours=1)
    for _ in range(2):  # quilts, then water, to the same 40 people
        Aid.objects.create(event=event, town=town("旧县街道"), shelter=shelter, persons=40, delivered_at=when,
                           created_by=users["jiuxian"])
    assert registers.basic_needs(event)["reached"] == 40


def test_found_is_only_for_the_missing(make_event, users, town):
    event = make_event(towns=("旧县街道",))
    row = registers.add_casualty(users["jiuxian"], event, {
        "town": town("旧县街道").pk, "name": "张某", "gender": "男", "status": "dead",
        "occurred_on": timezone.localdate(), "place": "河边", "cause": "山洪"})
    with pytest.raises(ValidationError, match="只有失踪人员"):
        registers.change_casualty(users["jiuxian"], row.pk, status="found", note="误报")


def test_a_unit_keeps_a_kind_its_users_fit(villages, users):
    committee = villages["玉泉村"][1]
    committee.kind = Organisation.Kind.TOWN_OFFICE
    with pytest.raises(ValidationError, match="不能属于该类型的单位"):
        save_organisation(users["admin"], committee)
    office = users["jiuxian"].unit
    office.kind = Organisation.Kind.VILLAGE_COMMITTEE
    with pytest.raises(ValidationError, match="不能属于该类型的单位"):
        save_organisation(users["admin"], office)
    assert not Organisation(kind=Organisation.Kind.VILLAGE_COMMITTEE).is_government  # no tip or plan is handed to it


def test_the_api_keeps_a_villages_losses_and_refuses_unknown_indicators(make_event, villages):
    event = make_event(towns=("旧县街道",))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, villages['玉泉村'][2], 't')[1]}")
    url = f"/api/v1/disasters/events/{event.pk}/village-returns"
    made = client.post(url, {"affected": 2, "loss_agriculture": "3.5"}, content_type="application/json")
    assert made.status_code == 201 and str(VillageReturn.objects.get().loss_agriculture) == "3.50"
    assert client.post(url, {"affectd": 2}, content_type="application/json").status_code == 422


def test_malformed_ids_are_refused_not_a_server_error(make_event, users, login):
    event = make_event(towns=("旧县街道",))
    admin = login(users["admin"])
    assert admin.post(f"/disasters/{event.pk}/casualties/", {"change": "²", "status": "dead"}).status_code == 403
    page = admin.post("/disasters/new/", {"name": "x", "kind": "flood", "started_at": "2026-12-01T03:00",
                                          "towns": ["9" * 25]})
    assert page.status_code == 200 and "请选择受灾镇街" in page.content.decode()


def test_a_malformed_event_on_the_house_form_is_ignored(villages, login):
    from django.urls import reverse

    page = login(villages["玉泉村"][2]).get(reverse("house_new") + "?event=²")
    assert page.status_code == 200
