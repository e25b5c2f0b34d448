from .errors import PermissionDenied

# Services take the acting user. `SYSTEM` (None) is the platform itself — migrations, the demo
# loader, `anying tick` and command-line provisioning — which has every right. Web views and the
# API always pass request.user, which is never None.
SYSTEM = None


def require(user, code: str, message: str = "无权执行此操作") -> None:
    if user is SYSTEM:
        return
    if not user.has_perm_code(code):
        raise PermissionDenied(message)


def is_enterprise_user(user) -> bool:
    from .roles import Role

    return user is not SYSTEM and user.role == Role.ENTERPRISE_USER
