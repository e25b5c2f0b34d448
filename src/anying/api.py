"""The versioned REST API under /api/v1/. Each app contributes a router; errors are uniform:
401 without a valid token, 404 for anything outside the caller's scope, 403 for an action the
role may not take, 422 with field errors for bad input."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as RequestValidationError

from anying.campaigns.api import router as campaigns_router
from anying.core.api_auth import TokenAuth
from anying.core.api_input import PolicyParser
from anying.core.errors import PermissionDenied
from anying.core.workflow import StaleVersion
from anying.credit.api import router as credit_router
from anying.disasters.api import router as disasters_router
from anying.duty.api import router as duty_router
from anying.forestfire.api import router as forest_router
from anying.hazards.api import router as hazards_router
from anying.houses.api import router as houses_router
from anying.incidents.api import router as incidents_router
from anying.inspections.api import router as inspections_router
from anying.monitoring.api import router as monitoring_router
from anying.monitoring.api_alarms import router as alarms_router
from anying.monthly.api import router as monthly_router
from anying.onsite.api import router as onsite_router
from anying.oversight.api_accidents import router as accidents_router
from anying.oversight.api_dashboard import router as dashboard_router
from anying.oversight.api_keytasks import router as keytasks_router
from anying.permits.api import router as permits_router
from anying.places.api import router as places_router
from anying.plans.api import router as plans_router
from anying.registry.api import router as registry_router
from anying.registry.risk_api import router as risk_points_router
from anying.relief.api import router as relief_router
from anying.rescue.api import router as rescue_router
from anying.riskpoints.api import router as riskpoints_router
from anying.spending.api import router as spending_router
from anying.stoppages.api import router as stoppages_router
from anying.supplies.api import router as supplies_router
from anying.tips.api import router as tips_router
from anying.training.api import router as training_router
from anying.warning.api import router as warning_router

api = NinjaAPI(title="安应 API", version="1", description="安全生产监管与应急管理平台接口", auth=TokenAuth(),
               urls_namespace="api", parser=PolicyParser())
api.add_router("/enterprises", registry_router)
api.add_router("/hazards", hazards_router)
api.add_router("/inspections", inspections_router)
api.add_router("/tips", tips_router)
api.add_router("/risk-points", risk_points_router)
api.add_router("/accidents", accidents_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/key-tasks", keytasks_router)
api.add_router("/rescue", rescue_router)
api.add_router("/supplies", supplies_router)
api.add_router("/duty", duty_router)
api.add_router("/incidents", incidents_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/monitoring", alarms_router)
api.add_router("/plans", plans_router)
api.add_router("/warnings", warning_router)
api.add_router("/places", places_router)
api.add_router("/forest", forest_router)
api.add_router("/riskpoints", riskpoints_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/disasters", disasters_router)
api.add_router("/relief", relief_router)
api.add_router("/houses", houses_router)
api.add_router("/stoppages", stoppages_router)
api.add_router("/monthly", monthly_router)
api.add_router("/permits", permits_router)
api.add_router("/spending", spending_router)
api.add_router("/credit", credit_router)
api.add_router("/training", training_router)
api.add_router("/onsite", onsite_router)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        detail = [{"loc": ["body", field], "msg": msg, "type": "value_error"}
                  for field, messages in exc.message_dict.items() for msg in messages]
    else:
        detail = [{"loc": ["body"], "msg": msg, "type": "value_error"} for msg in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(StaleVersion)
def stale_version(request, exc: StaleVersion):
    return api.create_response(request, {"detail": exc.messages[0]}, status=409)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "不存在或不在您的范围内"}, status=404)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未认证：请在 Authorization 头中提供有效的 API 令牌"}, status=401)


# Request-parsing errors come from pydantic in English; clerks and integrators get Chinese.
PYDANTIC_MESSAGES = {
    "missing": "必填", "int_parsing": "应为整数", "int_type": "应为整数", "float_parsing": "应为数字",
    "decimal_parsing": "应为数字", "decimal_type": "应为数字", "string_type": "应为文本", "bool_parsing": "应为 true 或 false",
    "date_parsing": "日期格式应为 2026-01-31", "date_from_datetime_parsing": "日期格式应为 2026-01-31",
    "date_type": "日期格式应为 2026-01-31", "list_type": "应为列表", "json_invalid": "JSON 格式错误",
    "greater_than_equal": "超出允许范围", "less_than_equal": "超出允许范围", "string_too_long": "过长",
    "model_attributes_type": "请求体应为 JSON 对象", "dict_type": "请求体应为 JSON 对象",
}


@api.exception_handler(RequestValidationError)
def request_invalid(request, exc: RequestValidationError):
    detail = [{**error, "msg": PYDANTIC_MESSAGES.get(error.get("type"), error.get("msg"))} for error in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)
