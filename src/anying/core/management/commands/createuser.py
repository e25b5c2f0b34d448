import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anying.core import services
from anying.core.models import Organisation
from anying.core.roles import Role

from ._base import text


class Command(BaseCommand):
    help = "Create a user with a role in a unit (for provisioning)."

    def add_arguments(self, parser):
        parser.add_argument("username", type=text)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", required=True, type=text, help="unit name (an enterprise user: the enterprise's name)")
        parser.add_argument("--password", help="default: asked for interactively")
        parser.add_argument("--name", default="", type=text, help="display name")

    def handle(self, *args, username, role, unit, password, name, **options):
        matches = list(Organisation.objects.filter(name=unit)[:2])
        if not matches:
            raise CommandError(f"单位不存在：{unit}")
        if len(matches) > 1:
            raise CommandError(f"有多个单位名为 {unit}，请在网页的用户管理中创建")
        password = password or getpass.getpass("密码：")
        try:
            services.create_user(None, username=username, password=password, role=role, unit=matches[0],
                                 display_name=name)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建用户 {username}（{Role(role).label}，{unit}）"))
