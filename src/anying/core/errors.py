"""Errors raised by services. Views and the API turn them into messages, 403/404 or 422."""

from django.core.exceptions import ValidationError  # noqa: F401 - re-exported for services


class PermissionDenied(Exception):
    def __init__(self, message: str = "无权执行此操作"):
        super().__init__(message)
        self.message = message


class ImportFileError(Exception):
    """An import file that cannot be read as a whole (not .xlsx, wrong columns, empty)."""
