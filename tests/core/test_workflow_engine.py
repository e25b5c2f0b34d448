"""core.workflow: what every lifecycle gets from the one engine — version check (409), evidence
new in its own round, one timeline, audit with before/after, notifications to the parties the
table names, and all of it or nothing in one transaction. Shown on the hazard lifecycle, the
first on the engine; docs/lifecycles.md is the rendered tables."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from anying.core import workflow
from anying.core.models import Attachment, AuditEvent, Notification
from anying.hazards import services
from anying.hazards.models import Hazard
from anying.hazards.workflow import AFTER_TRANSITION, LIFECYCLE
from tests.conftest import photo, png_bytes
from tests.hazards.conftest import factory  # noqa: F401 - fixture
from tests.hazards.test_api import api  # noqa: F401 - fixture

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lifecycles.md"


def _post(client, hazard, body):
    return client.post(f"/api/v1/hazards/{hazard.pk}/transitions", body, content_type="application/json")


def _upload(client, hazard, name="after.png"):
    response = client.post(f"/api/v1/hazards/{hazard.pk}/attachments",
                           {"file": SimpleUploadedFile(name, png_bytes(), content_type="image/png")})
    assert response.status_code == 201
    return response.json()["id"]


def test_a_stale_version_is_refused_with_409_and_changes_nothing(factory, users, api, enterprise_user):  # noqa: F811
    hazard = factory(status="submitted")
    inspector = api(users["jiuxian"])
    stale = _post(inspector, hazard, {"name": "send_back", "comment": "照片不清楚", "version": hazard.version + 1})
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"
    fresh = _post(inspector, hazard, {"name": "send_back", "comment": "照片不清楚", "version": hazard.version})
    assert fresh.status_code == 200 and fresh.json()["version"] == hazard.version + 1


def test_the_page_sends_the_version_it_showed(factory, users, client):  # noqa: F811
    hazard = factory(status="submitted")
    client.force_login(users["jiuxian"])
    page = client.get(f"/hazards/{hazard.pk}/")
    assert f'name="version" value="{hazard.version}"' in page.content.decode()
    Hazard.objects.filter(pk=hazard.pk).update(version=hazard.version + 1)  # someone else acted meanwhile
    response = client.post(f"/hazards/{hazard.pk}/do/send_back/",
                           {"comment": "照片不清楚", "version": hazard.version}, follow=True)
    assert "已被他人修改" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"


def test_last_rounds_evidence_cannot_be_used_again(factory, users, api, enterprise_user):  # noqa: F811
    hazard = factory(status="rectifying")
    owner = api(enterprise_user(factory.enterprise))
    first = _upload(owner, hazard)
    assert _post(owner, hazard, {"name": "submit", "comment": "已整改", "evidence_ids": [first]}).status_code == 200
    assert Attachment.objects.get(pk=first).event.action == "submit"
    assert _post(api(users["jiuxian"]), hazard, {"name": "send_back", "comment": "照片不清楚"}).status_code == 200
    reused = _post(owner, hazard, {"name": "submit", "comment": "再次提交", "evidence_ids": [first]})
    assert reused.status_code == 422 and "本轮" in reused.json()["detail"][0]["msg"]
    assert Hazard.objects.get(pk=hazard.pk).status == "rectifying"
    second = _upload(owner, hazard, "again.png")
    assert _post(owner, hazard, {"name": "submit", "comment": "再次提交", "evidence_ids": [second]}).status_code == 200


def test_a_file_uploaded_before_the_send_back_is_last_rounds(factory, users, api, enterprise_user):  # noqa: F811
    hazard = factory(status="rectifying")
    owner = api(enterprise_user(factory.enterprise))
    spare = _upload(owner, hazard, "spare.png")  # uploaded in round one, never used
    first = _upload(owner, hazard)
    assert _post(owner, hazard, {"name": "submit", "comment": "已整改", "evidence_ids": [first]}).status_code == 200
    assert _post(api(users["jiuxian"]), hazard, {"name": "send_back", "comment": "照片不清楚"}).status_code == 200
    assert _post(owner, hazard, {"name": "submit", "comment": "再次提交", "evidence_ids": [spare]}).status_code == 422


def test_web_evidence_is_tied_to_its_step(factory, users, enterprise_user):  # noqa: F811
    hazard = factory(status="rectifying")
    owner = enterprise_user(factory.enterprise)
    services.transition(owner, hazard.pk, "submit", comment="已整改", files=[photo("a.png"), photo("b.png")])
    step = workflow.timeline(hazard).get(action="submit")
    assert sorted(step.evidence.values_list("original_name", flat=True)) == ["a.png", "b.png"]


def test_each_transition_tells_the_parties_its_table_names(factory, users, enterprise_user):  # noqa: F811
    hazard = factory(status="rectifying")
    owner = enterprise_user(factory.enterprise)
    Notification.objects.all().delete()
    services.transition(owner, hazard.pk, "submit", comment="已整改", files=[photo()])
    told = set(Notification.objects.values_list("user__username", flat=True))
    # the town office of 旧县街道 and the departments supervising 机械 review it (区应急局's 工贸 covers
    # 机械 too); the submitter, other towns and the read-only roles are not told
    assert told == {"jiuxian", "jingxin", "yingji"}
    note = Notification.objects.filter(user=users["jiuxian"]).get()
    assert note.title.startswith("隐患提交复查：") and note.url == f"/hazards/{hazard.pk}/"
    Notification.objects.all().delete()
    services.transition(users["jiuxian"], hazard.pk, "send_back", comment="照片不清楚")
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"qiye"}
    assert "照片不清楚" in Notification.objects.get().body


def test_timeline_audit_and_notices_are_one_transaction(factory, users, enterprise_user):  # noqa: F811
    hazard = factory(status="submitted")
    events, audits, notes = workflow.timeline(hazard).count(), AuditEvent.objects.count(), Notification.objects.count()

    def broken(_hazard):
        raise RuntimeError("an upper app's hook fails")

    AFTER_TRANSITION.append(broken)
    try:
        with pytest.raises(RuntimeError):
            services.transition(users["jiuxian"], hazard.pk, "close")
    finally:
        AFTER_TRANSITION.remove(broken)
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"
    assert (workflow.timeline(hazard).count(), AuditEvent.objects.count(), Notification.objects.count()) == \
        (events, audits, notes)


def test_audit_has_before_and_after(factory, users):  # noqa: F811
    hazard = factory(status="submitted")
    services.transition(users["jiuxian"], hazard.pk, "close")
    event = AuditEvent.objects.filter(object_id=str(hazard.pk), action="state").latest("id")
    assert event.before["status"] == "待复查" and event.after["status"] == "已销号" and event.summary == "审核销号"


def test_a_record_outside_the_scope_is_not_found_and_not_locked_for_them(factory, users):  # noqa: F811
    hazard = factory(status="submitted")
    with pytest.raises(Hazard.DoesNotExist):
        services.transition(users["hufeng"], hazard.pk, "close")


def test_unknown_transition_is_a_clear_error(factory, users):  # noqa: F811
    hazard = factory(status="submitted")
    with pytest.raises(ValidationError, match="未知操作"):
        services.transition(users["jiuxian"], hazard.pk, "explode")


def test_every_lifecycle_table_is_in_the_docs():
    assert {"hazards.hazard", "tips.tip"} <= set(workflow.LIFECYCLES)
    assert DOCS.read_text(encoding="utf-8") == workflow.markdown(), "run: anying lifecycles > docs/lifecycles.md"


def test_tables_name_only_groups_and_parties_they_resolve():
    for lifecycle in workflow.LIFECYCLES.values():
        for t in lifecycle.transitions:
            assert set(t.notify) <= set(lifecycle.recipients), (lifecycle.key, t.name)
            for f in (*t.separated, *t.stamp):
                lifecycle.model._meta.get_field(f)
            for s in (t.sources + ((t.target,) if isinstance(t.target, str) else (t.target or ()))):
                assert s in dict(lifecycle.model._meta.get_field(lifecycle.state_field).choices), (lifecycle.key, s)
    assert LIFECYCLE.table["close"].separated == ("rectified_by", "submitted_by")


def test_every_permission_a_table_names_is_registered():
    from anying.core.permissions import all_codes

    named = {p[len(workflow.PERM):] for lc in workflow.LIFECYCLES.values() for t in lc.transitions
             for p in t.parties if p.startswith(workflow.PERM)}
    assert named and named <= set(all_codes())


def test_a_posted_version_that_is_not_a_plain_number_is_ignored():
    from django.test import RequestFactory

    from anying.core.workflow import posted_version

    post = lambda v: posted_version(RequestFactory().post("/", {"version": v}))  # noqa: E731
    assert post("7") == 7 and post(" 7 ") == 7
    assert post("²") is None and post("٣") is None and post("-1") is None and post("9" * 30) is None and post("") is None
