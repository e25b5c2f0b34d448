"""Turning service errors into form errors, so every view handles them the same way."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from .errors import PermissionDenied


def apply_errors(form, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def error_text(exc: ValidationError | PermissionDenied) -> str:
    """One line for a flash message."""
    if isinstance(exc, PermissionDenied):
        return exc.message
    return "；".join(exc.messages)


def submit(request, form, save: Callable, success: Callable[[object], str], next_url: Callable[[object], str]):
    """The POST half of every create/edit view: a valid form goes to its service; on success a
    message and a redirect come back, otherwise None and the view re-renders the form with the
    service's errors next to the fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, success(saved))
    return redirect(next_url(saved))
