"""Attachments on any record: type- and size-checked before anything is stored."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from . import audit
from .models import Attachment, AuditEvent

# Extension → (MIME type, magic prefixes). The content must match the name, so a renamed
# executable or HTML page is refused.
ALLOWED = {
    "jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    "jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    "png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    "pdf": ("application/pdf", [b"%PDF-"]),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [b"PK\x03\x04"]),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
}


def check_upload(upload) -> str:
    """Validate an uploaded file; returns its MIME type or raises a Chinese ValidationError."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise ValidationError(f"不支持的文件类型：{name}（允许 {'、'.join(sorted(ALLOWED))}）")
    limit = settings.ANYING_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(f"文件过大：{name}（上限 {settings.ANYING_MAX_UPLOAD_MB} MB）")
    if upload.size == 0:
        raise ValidationError(f"文件为空：{name}")
    mime, magics = ALLOWED[ext]
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(f"文件内容与扩展名不符：{name}")
    if mime.startswith("image/"):
        _check_image(upload, name)
    return mime


def _check_image(upload, name: str) -> None:
    """A photo must really decode: a file with an image header and anything else after it is refused."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(f"图片已损坏或不是有效图片：{name}") from exc
    finally:
        upload.seek(0)


def attach(actor, obj: models.Model, upload, audit_on: models.Model | None = None) -> Attachment:
    """Store an upload on `obj`. Callers check permission on `obj` and wrap in their transaction;
    the audit event goes on `audit_on` (e.g. the enterprise that owns a post card) or `obj`.
    `upload` may also be a file held for a refused form (`hold`): it moves onto `obj`."""
    if isinstance(upload, Attachment):
        return _adopt(actor, obj, upload, audit_on)
    mime = check_upload(upload)
    attachment = Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), file=upload,
        original_name=upload.name[:255], size=upload.size, mime_type=mime, uploaded_by=actor,
    )
    audit.record(actor, AuditEvent.Action.CREATE, audit_on or obj, summary=f"上传附件 {attachment.original_name}")
    return attachment


# Files held while their form is refused (a checklist saved with an item unanswered, a round's
# day already recorded): nobody must pick the photos again. This is the one way a form keeps its
# uploads (hazards.forms.ChecklistResults, for inspections and self-inspection rounds). They hang
# on no record — the content type is Attachment itself and the object id "held:<key>", never a
# record's pk — so `serve` never finds them; only their uploader may get them back, by the form's
# key; `sweep_held` (tick job `held_photos`) drops those of forms never saved.
HELD = "held:"


def hold(actor, upload, key: str) -> Attachment:
    """Keep an upload of a refused form under `key` (a random form token plus what it is for)."""
    mime = check_upload(upload)
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(Attachment), object_id=f"{HELD}{key}"[:64], file=upload,
        original_name=upload.name[:255], size=upload.size, mime_type=mime, uploaded_by=actor)


def held(actor, key_prefix: str):
    """The files `actor` holds under keys starting with `key_prefix`."""
    return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Attachment),
                                     object_id__startswith=f"{HELD}{key_prefix}"[:64],
                                     uploaded_by=actor).order_by("uploaded_at", "pk")


def release(actor, key_prefix: str, only=None) -> None:
    """Drop the files `actor` still holds under a form's key: once it is saved, those not used;
    `only` (attachment ids) for the ones the user removed (移除) — another's ids match nothing."""
    found = held(actor, key_prefix)
    if only is not None:
        found = found.filter(pk__in=only)
    _drop(found)


HELD_FOR = dt.timedelta(days=2)  # a form left for longer than this is not coming back


def sweep_held(now) -> int:
    """Drop files held for forms abandoned since `now - HELD_FOR` (a tick job): returns how many."""
    stale = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Attachment),
                                      object_id__startswith=HELD, uploaded_at__lt=now - HELD_FOR)
    return _drop(stale)


def _drop(attachments) -> int:
    """Delete held files and their rows; returns how many."""
    count = 0
    for attachment in attachments.iterator():
        attachment.file.delete(save=False)
        attachment.delete()
        count += 1
    return count


def _adopt(actor, obj: models.Model, attachment: Attachment, audit_on) -> Attachment:
    if not attachment.object_id.startswith(HELD) or attachment.uploaded_by_id != getattr(actor, "pk", None):
        raise ValidationError(f"附件不可用：{attachment.original_name}")
    attachment.content_type = ContentType.objects.get_for_model(obj)
    attachment.object_id = str(obj.pk)
    attachment.save(update_fields=["content_type", "object_id"])
    audit.record(actor, AuditEvent.Action.CREATE, audit_on or obj, summary=f"上传附件 {attachment.original_name}")
    return attachment


def attachments_of(obj: models.Model):
    ct = ContentType.objects.get_for_model(obj)
    return Attachment.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("uploaded_at")


def attachments_by_object(objects) -> dict:
    """Attachments of many records of one model in one query, keyed by record pk."""
    objects = list(objects)
    if not objects:
        return {}
    ct = ContentType.objects.get_for_model(objects[0])
    found: dict = {obj.pk: [] for obj in objects}
    rows = Attachment.objects.filter(content_type=ct, object_id__in=[str(o.pk) for o in objects]).order_by("uploaded_at")
    for attachment in rows:
        found[type(objects[0])._meta.pk.to_python(attachment.object_id)].append(attachment)
    return found


def serve(owners: models.QuerySet, attachment_id: int, *, inline: bool = False):
    """The one way a stored file leaves the server: the file of attachment `attachment_id` if it
    hangs on one of `owners` — a queryset the caller has scoped (`visible_to(user)`, narrowed to
    the record in the URL) — else 404, so a file is never reached around its record's scope.
    `inline` lets a page show a photo; everything else downloads."""
    from django.db.models.functions import Cast
    from django.http import FileResponse, Http404

    found = Attachment.objects.filter(
        pk=attachment_id, content_type=ContentType.objects.get_for_model(owners.model),
        object_id__in=owners.order_by().values_list(Cast("pk", models.CharField()), flat=True)).first()
    if found is None:
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=not inline, filename=found.original_name,
                        content_type=found.mime_type)
