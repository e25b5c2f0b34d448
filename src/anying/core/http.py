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


def form_errors_text(form) -> str:
    return "；".join(f"{form.fields[f].label if f in form.fields else ''} {e}".strip()
                    for f, errs in form.errors.items() for e in errs)


def act(request, form, action: Callable, success: str | Callable[[object], str]) -> None:
    """The POST of a small inline form on a detail page: run the service and flash the outcome
    (form errors and service errors alike); the view then redirects back to the page."""
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return
    try:
        result = action(form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return
    messages.success(request, success(result) if callable(success) else success)
