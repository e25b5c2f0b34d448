"""The input policy (core/textinput.py) in the API: every input schema derives from `InputSchema`,
whose validator cleans every str it receives (nested lists and dict keys too); a str field
annotated `MultiLine` keeps newlines and tabs, every other one is single-line. `PolicyParser`
refuses what no field may hold in the raw query and form parameters, so a plain `status: str`
parameter of a view is covered as well. A refusal is a 422 with the field's location."""

from __future__ import annotations

import typing
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Schema
from ninja.errors import ValidationError as RequestValidationError
from ninja.parser import Parser
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from . import textinput


class _MultiLineMarker:
    def __repr__(self) -> str:
        return "MultiLine"


MULTILINE = _MultiLineMarker()
MultiLine = Annotated[str, MULTILINE]


def _marked(annotation) -> bool:
    return any(arg is MULTILINE or _marked(arg) for arg in typing.get_args(annotation))


class InputSchema(Schema):
    """Base of every API input schema (bodies, forms and query filters). Output schemas stay on
    ninja's Schema: what the database already holds is read back as it is."""

    @field_validator("*", mode="before")
    @classmethod
    def _text_policy(cls, value, info):
        field = cls.model_fields[info.field_name]
        multiline = MULTILINE in field.metadata or _marked(field.annotation)
        try:
            return textinput.clean_tree(value, multiline=multiline)
        except ValidationError as exc:
            raise PydanticCustomError(textinput.CODE, exc.messages[0]) from None


class PolicyParser(Parser):
    """Query and form parameters: refused characters give a 422 before any schema or view sees
    them. Line-break look-alikes pass here and are normalised by the field they reach."""

    def parse_querydict(self, data, list_fields, request):
        where = "query" if data is request.GET else "form"
        errors = []
        for key, values in data.lists():
            message = textinput.problem(key) or next(
                (textinput.problem(v) for v in values if isinstance(v, str) and textinput.problem(v)), None)
            if message:
                errors.append({"loc": [where, key], "msg": message, "type": textinput.CODE})
        if errors:
            raise RequestValidationError(errors)
        return super().parse_querydict(data, list_fields, request)
