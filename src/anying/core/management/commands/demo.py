import random

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from anying.core.demo import DEMO_PASSWORD, GOVERNMENT_LOGINS
from anying.core.hooks import DEMO_LOADERS
from anying.core.models import User


class Command(BaseCommand):
    help = "Create or upgrade the database, load the demo data once, print the logins and serve."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and exit")

    def handle(self, *args, host, port, no_serve, **options):
        call_command("migrate", verbosity=0, interactive=False)
        rng = random.Random(2022)  # same demo data on every machine
        for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
            loader.load(rng)
        call_command("tick", verbosity=0)  # bring the demo up to today: overdue steps, expiries
        self.stdout.write(self.style.SUCCESS(f"数据库：{connection.settings_dict['NAME']}"))
        self.stdout.write(f"演示地址：http://{host}:{port}/")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        logins = [(u, r.label, unit) for u, _, r, unit in GOVERNMENT_LOGINS]
        enterprise_user = User.objects.filter(username="qiye").select_related("unit").first()
        if enterprise_user:
            logins.append(("qiye", enterprise_user.role_label, enterprise_user.unit.name))
            logins.append(("fuzeren", "企业主要负责人", enterprise_user.unit.name))  # closes what qiye submits
        for username, role, unit in logins:
            self.stdout.write(f"  {role:<8} {username:<10} {unit}")
        if not no_serve:
            call_command("serve", host=host, port=port)
