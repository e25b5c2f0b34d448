import argparse

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from anying.core import textinput
from anying.core.models import User


def text(value: str) -> str:
    """An argparse `type` for text arguments: the input policy (core/textinput.py), as for forms."""
    try:
        return textinput.clean(value, multiline=False)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.messages[0]) from None


def actor_option(parser) -> None:
    parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                        help="act as this user (their scope and rights apply); default: the system")


def resolve_actor(username: str | None):
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户不存在或已停用：{username}")
    return user
