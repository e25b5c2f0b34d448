"""The one input policy (core/textinput.py): the policy itself, then generated walks proving it on
every text field of every form and every parameter of every API operation, then the NUL net."""

import importlib
import json
import pkgutil
import typing
from types import SimpleNamespace

import pydantic
import pytest
from django import forms
from django.test import Client

import anying
from anying.core import textinput
from anying.core.api_input import MULTILINE, InputSchema
from anying.core.models import AuditEvent
from anying.core.services import create_token
from anying.tips.models import Tip

CONTROL = textinput.CONTROL_MESSAGE
INVALID = textinput.INVALID_MESSAGE


# --- the policy ------------------------------------------------------------------------------

@pytest.mark.parametrize("value, multiline, expected", [
    ("第一行\x0b第二行", True, "第一行\n第二行"),
    ("第一行\x0b第二行", False, "第一行 第二行"),
    ("a\x0cb\u2028c\u2029d\x85e", True, "a\nb\nc\nd\ne"),
    ("a\r\nb\tc\nd", True, "a\r\nb\tc\nd"),  # a text area keeps its line breaks and tabs
    ("a\r\nb\tc\nd\re", False, "a b c d e"),
    ("普通文字 ABC 123 😀", False, "普通文字 ABC 123 😀"),
    ("", False, ""),
])
def test_line_break_look_alikes_are_normalised(value, multiline, expected):
    assert textinput.clean(value, multiline=multiline) == expected


@pytest.mark.parametrize("char, message", [
    *((chr(c), CONTROL) for c in [*range(0x00, 0x09), 0x0e, 0x1b, 0x1f, 0x7f, 0x80, 0x84, 0x86, 0x9f]),
    ("\ud800", INVALID), ("\udfff", INVALID), ("\ufdd0", INVALID), ("\ufffe", INVALID), ("\uffff", INVALID),
    ("\U0001fffe", INVALID), ("\U0010ffff", INVALID),
])
@pytest.mark.parametrize("multiline", [True, False])
def test_control_characters_and_invalid_code_points_are_refused(char, message, multiline):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        textinput.clean(f"a{char}b", multiline=multiline)
    assert caught.value.messages == [message]
    assert textinput.problem(f"a{char}b") == message


def test_nested_values_and_dict_keys_are_cleaned():
    assert textinput.clean_tree({"k\x0b": ["a\x0bb", 1, None]}, multiline=True) == {"k ": ["a\nb", 1, None]}
    assert textinput.first_nul({"a": [1, {"b": "c\x00"}]}) == ("a", 1, "b")
    assert textinput.first_nul({"a": ["ok"]}) is None


def test_filters_ignore_refused_values_instead_of_failing():
    assert textinput.lenient("a\x00b") == "" and textinput.lenient("a\x0bb") == "a b"


# --- every form --------------------------------------------------------------------------------

SKIPPED_MODULES = ("anying.cli", "anying.__main__", "anying.wsgi")


def _all_forms() -> list[type]:
    for module in pkgutil.walk_packages(anying.__path__, "anying."):
        if ".migrations" not in module.name and not module.name.startswith(SKIPPED_MODULES):
            importlib.import_module(module.name)
    found, stack = [], list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("anying.") and cls not in found:
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


ITEMS = [SimpleNamespace(pk=1, text="检查项一"), SimpleNamespace(pk=2, text="检查项二")]


def _keyword_arguments(cls, users, ent) -> dict:
    """Forms that need arguments to build their fields get them here; a new form whose
    constructor needs something else fails the walk until it is added."""
    from anying.inspections.models import Inspector
    from anying.oversight.models import Milestone, RankingScheme

    return {
        "ReportForm": lambda: {"task": SimpleNamespace(percent=0, milestones=Milestone.objects.none())},
        "SchemeForm": lambda: {"scheme": RankingScheme(indicators=[])},
        "BandsForm": lambda: {"method": "lec"},
        "RoundForm": lambda: {"items": ITEMS},
        "InspectionForm": lambda: {"items": ITEMS, "inspectors": Inspector.objects.none()},
        "ChecklistForm": lambda: {"user": users["admin"]},
        "AccidentForm": lambda: {"user": users["admin"]},
        "TableForm": lambda: {"user": users["admin"]},
        "TaskForm": lambda: {"user": users["admin"]},
        "EnterpriseForm": lambda: {"user": users["admin"]} if cls.__module__ == "anying.registry.forms" else {},
        "HazardForm": lambda: {"user": users["admin"], "enterprise": ent},
        "RiskPointForm": lambda: {"enterprise": ent},
        "PermitForm": lambda: {"kind": "hot_work"},
    }.get(cls.__name__, dict)()


def _text_fields(form) -> list[str]:
    return [name for name, field in form.fields.items() if isinstance(field, forms.CharField)]


def _bound(cls, users, ent, value: str):
    blank = cls(**_keyword_arguments(cls, users, ent))
    data = {blank.add_prefix(name): value for name in _text_fields(blank)}
    return cls(data, {}, **_keyword_arguments(cls, users, ent))


def test_every_form_refuses_control_characters_in_every_text_field(users, make_enterprise):
    ent, checked = make_enterprise("旧县机械厂"), 0
    for cls in _all_forms():
        for value in ("a\x00b", "a\x01b", "a\x1bb"):
            form = _bound(cls, users, ent, value)
            form.is_valid()
            for name in _text_fields(form):
                assert CONTROL in form.errors.get(name, []), f"{cls.__module__}.{cls.__name__}.{name} took {value!r}"
                checked += 1
    assert checked > 3 * 80  # the walk really reached the forms' text fields (dynamic ones too)


def test_every_form_normalises_vertical_tabs_in_every_text_field(users, make_enterprise):
    ent = make_enterprise("旧县机械厂")
    for cls in _all_forms():
        form = _bound(cls, users, ent, "甲\x0b乙")
        form.is_valid()
        for name in _text_fields(form):
            if name in form.cleaned_data and isinstance(form.cleaned_data[name], str):
                multiline = isinstance(form.fields[name].widget, forms.Textarea)
                assert form.cleaned_data[name] == ("甲\n乙" if multiline else "甲 乙"), f"{cls.__name__}.{name}"
            else:  # refused for a reason of its own (a pattern, a choice, a format)
                assert name in form.errors, f"{cls.__name__}.{name}"


def test_login_form_refuses_a_nul_in_the_username(users):
    from anying.core.forms import LoginForm

    form = LoginForm({"username": "admin\x00", "password": "x"})
    assert not form.is_valid() and form.errors["username"] == [CONTROL]


def test_a_refused_field_changes_nothing_through_a_page(users, login, make_enterprise):
    from django.urls import reverse

    from anying.registry.models import RiskArea

    ent = make_enterprise("旧县机械厂")
    events = AuditEvent.objects.count()
    response = login(users["admin"]).post(reverse("enterprise_risks", args=[ent.pk]), {"name": "车间\x01一"})
    assert response.status_code in (200, 302) and not RiskArea.objects.filter(enterprise=ent).exists()
    assert AuditEvent.objects.count() == events
    login(users["admin"]).post(reverse("enterprise_risks", args=[ent.pk]), {"name": "车间\x0b一"})
    assert RiskArea.objects.get(enterprise=ent).name == "车间 一"


# --- every API operation -------------------------------------------------------------------------

def _operations():
    from anying.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation, components


def _url(path: str, operation) -> str:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            value = "start" if parameter["schema"].get("type") == "string" else "1"
            path = path.replace("{" + parameter["name"] + "}", value)
    return path


def _body_fields(operation, components) -> list[tuple[str, str, dict]]:
    """(content type, field, schema) of every field a request body may carry."""
    out = []
    for content_type, content in operation.get("requestBody", {}).get("content", {}).items():
        body = content["schema"]
        if "$ref" in body:
            body = components[body["$ref"].rsplit("/", 1)[-1]]
        for name, field in body.get("properties", {}).items():
            if field.get("format") != "binary" and field.get("items", {}).get("format") != "binary":
                out.append((content_type, name, field))
    return out


@pytest.fixture
def api_client(users, settings):
    _, secret = create_token(None, users["admin"], "input policy")
    # the SMS gateway's webhook authenticates with its own key (warning/api.py), the rest with the token
    settings.ANYING_SMS_GATEWAY_KEY = "input-policy-gateway-key"
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_X_GATEWAY_KEY="input-policy-gateway-key")


def _send(client, method, url, content_type, field, value):
    if content_type == "multipart/form-data":
        return client.post(url, {field: value})
    return client.generic(method.upper(), url, json.dumps({field: value}), content_type="application/json")


def _refused(response, field, message) -> bool:
    if response.status_code != 422:
        return False
    return any(e["loc"][-1] == field and e["msg"] == message for e in response.json()["detail"])


def test_every_api_parameter_and_body_field_refuses_control_characters(api_client, make_enterprise):
    make_enterprise("旧县机械厂")
    events, tips, checked = AuditEvent.objects.count(), Tip.objects.count(), 0
    for path, method, operation, components in _operations():
        url = _url(path, operation)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                for value, message in (("a\x01b", CONTROL), ("a\x1bb", CONTROL)):
                    response = api_client.generic(method.upper(), f"{url}?{parameter['name']}={value}")
                    assert _refused(response, parameter["name"], message), (method, path, parameter["name"],
                                                                            response.content[:300])
                    checked += 1
        for content_type, field, schema in _body_fields(operation, components):
            values = [("a\x01b", CONTROL), ("a\x1bb", CONTROL)]
            if content_type == "application/json":
                values.append(("a\ud800b", INVALID))
            for value, message in values:
                sent = [value] if schema.get("type") == "array" else (
                    {value: value} if schema.get("type") == "object" or "additionalProperties" in schema else value)
                response = _send(api_client, method, url, content_type, field, sent)
                assert _refused(response, field, message), (method, path, field, response.content[:300])
                checked += 1
            response = _send(api_client, method, url, content_type, field, "a\x00b")
            assert response.status_code == 422, (method, path, field)
    assert checked > 150
    assert AuditEvent.objects.count() == events and Tip.objects.count() == tips  # nothing was written


def _input_models() -> list[type]:
    from anying.api import api

    found = []
    for _, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    for field in model.model_fields.values():
                        for annotation in (field.annotation, *typing.get_args(field.annotation)):
                            if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
                                found.append(annotation)
    return found


def test_every_api_input_schema_is_an_input_schema():
    """A body, form or query schema on ninja's plain Schema would skip the policy."""
    from ninja.pagination import LimitOffsetPagination

    plain = {m.__name__ for m in _input_models()
             if not issubclass(m, InputSchema) and not issubclass(m, LimitOffsetPagination.Input)
             and any(f.annotation is str or str in typing.get_args(f.annotation) for f in m.model_fields.values())}
    assert plain == set()


def _all_input_schemas():
    found, stack = [], list(InputSchema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        found.append(cls)
    return found


def _dummy(annotation):
    import datetime as dt
    from decimal import Decimal

    args = typing.get_args(annotation)
    if type(None) in args:
        return None
    origin = typing.get_origin(annotation) or annotation
    if origin is typing.Annotated:
        return _dummy(args[0])
    if origin is list:  # one element, so a list that must not be empty (a document's lines) passes
        inner = args[0] if args else str
        if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel):
            return [{n: _dummy(f.annotation) for n, f in inner.model_fields.items() if f.is_required()}]
        return [_dummy(inner)]
    return {str: "x", int: 1, float: 0.5, bool: False, Decimal: "1", dt.date: "2026-01-31",
            dt.datetime: "2026-01-31T08:00:00", list: [], dict: {}}.get(origin, "x")


def _takes_text(annotation) -> str | None:
    """'str', 'list' or 'dict' when the field holds text that way, else None."""
    if annotation is str or MULTILINE in typing.get_args(annotation):
        return "str"
    origin = typing.get_origin(annotation)
    if origin is list:
        return "list" if _takes_text(typing.get_args(annotation)[0]) else None
    if origin is dict:
        return "dict" if _takes_text(typing.get_args(annotation)[1]) else "dict_key"
    return next((kind for a in typing.get_args(annotation) if (kind := _takes_text(a))), None)


def test_every_api_input_schema_normalises_vertical_tabs():
    checked = 0
    for schema in _all_input_schemas():
        base = {name: _dummy(f.annotation) for name, f in schema.model_fields.items() if f.is_required()}
        for name, field in schema.model_fields.items():
            kind = _takes_text(field.annotation)
            if kind is None:
                continue
            sent = {"str": "甲\x0b乙", "list": ["甲\x0b乙"], "dict": {"k": "甲\x0b乙"}, "dict_key": {"甲\x0b乙": 1}}[kind]
            value = getattr(schema.model_validate({**base, name: sent}), name)
            text = {"str": lambda v: v, "list": lambda v: v[0], "dict": lambda v: v["k"],
                    "dict_key": lambda v: next(iter(v))}[kind](value)
            multiline = kind != "dict_key" and (MULTILINE in field.metadata or "MultiLine" in repr(field.annotation))
            assert text == ("甲\n乙" if multiline else "甲 乙"), f"{schema.__name__}.{name}"
            checked += 1
    assert checked > 40


def test_public_tip_with_a_vertical_tab_is_stored_normalised_and_a_nul_not_at_all(town):
    region = town("旧县街道")
    data = {"category": "hazard", "description": "楼梯间堆放杂物\x0b堵塞通道，存在隐患", "region_id": region.pk,
            "place": "某某路\x0b12 号"}
    response = Client().post("/api/v1/tips/public", data)
    assert response.status_code == 201, response.content
    tip = Tip.objects.get()
    assert tip.description == "楼梯间堆放杂物\n堵塞通道，存在隐患" and tip.place == "某某路 12 号"
    for bad in ("a\x00b", "a\x01b"):
        response = Client().post("/api/v1/tips/public", {**data, "description": f"楼梯间堆放杂物{bad}堵塞通道"})
        assert response.status_code == 422 and Tip.objects.count() == 1


def test_hazard_over_the_api_with_a_vertical_tab_is_stored_normalised(api_client, make_enterprise):
    from anying.hazards.models import Hazard

    ent = make_enterprise("旧县机械厂")
    payload = {"enterprise_id": ent.pk, "place": "一号\x0b车间", "description": "配电柜\x0b未接地", "found_by": "张三",
               "found_on": "2026-01-31"}
    response = api_client.post("/api/v1/hazards/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    hazard = Hazard.objects.get()
    assert (hazard.place, hazard.description) == ("一号 车间", "配电柜\n未接地")
    response = api_client.post("/api/v1/hazards/", {**payload, "description": "配电柜\u0000未接地"},
                               content_type="application/json")
    assert response.status_code == 422 and Hazard.objects.count() == 1


# --- the NUL net -------------------------------------------------------------------------------

def test_a_nul_in_a_page_request_is_a_chinese_400_page(users, login):
    client = login(users["admin"])
    form = "application/x-www-form-urlencoded"
    for response in (client.get("/enterprises/?q=a%00b"), client.post("/account/", "display_name=a%00b", form),
                     client.get("/enterprises/a%00b/")):
        assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
        assert "非法字符" in response.content.decode()


def test_a_nul_in_an_api_request_is_a_422_with_its_location(api_client, make_enterprise):
    ent = make_enterprise("旧县机械厂")
    response = api_client.get("/api/v1/enterprises/?q=a%00b")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "q"]
    response = api_client.patch(f"/api/v1/enterprises/{ent.pk}", '{"tags": ["a", "b\\u0000"]}',
                                content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "tags", "1"]
    response = api_client.patch(f"/api/v1/enterprises/{ent.pk}", '{"address": "C:\\\\u0000dir"}',
                                content_type="application/json")  # an escaped backslash, not a NUL
    assert response.status_code == 200


def test_the_net_stops_a_nul_before_any_view(rf):
    from anying.core.middleware import RejectNullCharactersMiddleware

    reached = []
    middleware = RejectNullCharactersMiddleware(lambda request: reached.append(request) or "view")
    request = rf.post("/anything/", '{"a": {"b": ["\\u0000"]}}', content_type="application/json")
    assert middleware(request).status_code == 400 and not reached
    assert middleware(rf.post("/anything/", {"a": "ok"})) == "view"


def test_command_line_text_goes_through_the_policy(district):
    from django.core.management import CommandError, call_command

    from anying.core.models import User

    with pytest.raises(CommandError, match="控制字符"):
        call_command("createuser", "newbie", "--role", "town_inspector", "--unit", "虎峰镇应急办",
                     "--name", "张\x01三", "--password", "Hufeng#2026")
    with pytest.raises(CommandError, match="控制字符"):
        call_command("token", "admin", "--name", "对接\x1b")
    call_command("createuser", "newbie", "--role", "town_inspector", "--unit", "虎峰镇应急办",
                 "--name", "张\x0b三", "--password", "Hufeng#2026")
    assert User.objects.get(username="newbie").display_name == "张 三"


def test_the_enterprise_service_checks_again_for_writers_without_a_form(make_enterprise):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        make_enterprise("旧县机械厂", address="旧县大道\x01一号")
    assert caught.value.message_dict["address"] == [CONTROL]


def test_api_schema_names_are_unique():
    """The OpenAPI components are keyed by class name: two apps' `StepIn` would document (and the
    policy walk above would test) one app's fields for the other's operation."""
    from anying.api import api

    seen: dict[str, type] = {}
    clashes = []
    for _, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    for field in model.model_fields.values():
                        for annotation in (field.annotation, *typing.get_args(field.annotation)):
                            if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
                                other = seen.setdefault(annotation.__name__, annotation)
                                if other is not annotation:
                                    clashes.append(f"{annotation.__module__}.{annotation.__name__} / {other.__module__}")
    assert not clashes
