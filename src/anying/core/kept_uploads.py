"""Uploads kept across a form that is shown again.

A browser never fills a file input back in, so when a form with photos is refused (a result
missing, a day already recorded) the photos would be lost and have to be taken again. Instead
the uploads of the refused try are checked (core.attachments.check_upload) and stored aside, and
the page carries a signed token for each; the next try brings them back with the new ones. A
token names its file and its user and is signed with the site's secret, so it cannot be pointed
at another file or used by anyone else; `anying tick` removes what was never used after a day.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from .attachments import check_upload

FOLDER = "kept"
SALT = "anying.core.kept_uploads"
MAX_AGE = dt.timedelta(days=1)


def keep(user, upload) -> tuple[str, str] | None:
    """Store an upload aside; returns (token, original name), or None for a file that would be
    refused anyway (its error is reported when it is attached)."""
    try:
        check_upload(upload)
    except ValidationError:
        return None
    ext = upload.name.rsplit(".", 1)[-1].lower()
    upload.seek(0)
    path = default_storage.save(f"{FOLDER}/{secrets.token_hex(16)}.{ext}", upload)
    name = upload.name[:255]
    return signing.dumps({"p": path, "n": name, "u": user.pk}, salt=SALT), name


def _path(user, token: str) -> str | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE.total_seconds())
    except signing.BadSignature:
        return None
    path = data.get("p", "")
    if data.get("u") != user.pk or not path.startswith(FOLDER + "/") or ".." in path:
        return None
    return path if default_storage.exists(path) else None


def restore(user, token: str) -> File | None:
    """The kept file of a token, as an upload to attach, or None when the token is forged,
    someone else's, too old, or its file is gone."""
    path = _path(user, token)
    if path is None:
        return None
    name = signing.loads(token, salt=SALT)["n"] or path.rsplit("/", 1)[-1]
    return File(default_storage.open(path, "rb"), name=name)


def discard(user, tokens) -> None:
    """Remove kept files once they are attached."""
    for token in tokens:
        path = _path(user, token)
        if path:
            default_storage.delete(path)


def purge(now=None) -> int:
    """Due work for `anying tick`: kept files older than MAX_AGE were never used."""
    now = now or timezone.now()
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        if now - default_storage.get_modified_time(path) > MAX_AGE:
            default_storage.delete(path)
            removed += 1
    return removed
