"""The versioned REST API under /api/v1/. Each app contributes a router; errors are uniform:
401 without a valid token, 404 for anything outside the caller's scope, 403 for an action the
role may not take, 422 with field errors for bad input."""

from django.core.exceptions import ValidationError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from anying.core.api_auth import TokenAuth
from anying.core.errors import PermissionDenied
from anying.registry.api import router as registry_router

api = NinjaAPI(title="安应 API", version="1", description="安全生产监管与应急管理平台接口", auth=TokenAuth(),
               urls_namespace="api")
api.add_router("/enterprises", registry_router)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        detail = [{"loc": ["body", field], "msg": msg, "type": "value_error"}
                  for field, messages in exc.message_dict.items() for msg in messages]
    else:
        detail = [{"loc": ["body"], "msg": msg, "type": "value_error"} for msg in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未认证：请在 Authorization 头中提供有效的 API 令牌"}, status=401)
