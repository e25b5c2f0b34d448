"""Turning service errors into form errors, so every view handles them the same way."""

from django.core.exceptions import ValidationError

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
