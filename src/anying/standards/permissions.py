"""What the reference standards let each role do (registered from StandardsConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role


def register() -> None:
    # The 判定标准 are public law: everyone who signs in may read them, enterprises included.
    register_permissions("standards", {
        "standards.view": "查阅重大事故隐患判定标准",
    }, grants={role: {"standards.view"} for role in Role.values})
