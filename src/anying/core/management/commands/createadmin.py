import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anying.core import services
from anying.core.models import Organisation
from anying.core.roles import Role


class Command(BaseCommand):
    help = "Create a district administrator (区级管理员) for a government unit."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--unit", required=True, help="unit name, e.g. 区安委办")
        parser.add_argument("--password", help="default: asked for interactively")

    def handle(self, *args, username, unit, password, **options):
        org = Organisation.objects.filter(name=unit).first()
        if org is None:
            raise CommandError(f"单位不存在：{unit}")
        password = password or getpass.getpass("密码：")
        try:
            services.create_user(None, username=username, password=password, role=Role.DISTRICT_ADMIN, unit=org)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建区级管理员 {username}（{org.name}）"))
