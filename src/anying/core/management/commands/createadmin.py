import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from anying.core import services
from anying.core.models import Organisation, Region
from anying.core.roles import Role

from ._base import text


class Command(BaseCommand):
    help = ("Create a district administrator (区级管理员). On a new installation, --region creates the "
            "district and the unit first, so the administrator can set up towns, units and users in the UI.")

    def add_arguments(self, parser):
        parser.add_argument("username", type=text)
        parser.add_argument("--unit", required=True, type=text, help="unit name, e.g. 区安委办")
        parser.add_argument("--region", type=text, help="district name, e.g. 铜梁区: creates it and the unit when missing")
        parser.add_argument("--region-code", default="", type=text, help="12-digit 统计用区划代码 of the district")
        parser.add_argument("--password", help="default: asked for interactively")

    @transaction.atomic
    def handle(self, *args, username, unit, region, region_code, password, **options):
        org = Organisation.objects.filter(name=unit).first()
        if org is None:
            if not region:
                raise CommandError(f"单位不存在：{unit}（新安装时加 --region 区县名称 一并创建）")
            district = Region.objects.filter(name=region, level=Region.Level.DISTRICT).first()
            if district is None:
                district = services.save_region(None, Region(name=region, level=Region.Level.DISTRICT, code=region_code))
            org = services.save_organisation(None, Organisation(name=unit, kind=Organisation.Kind.COMMITTEE_OFFICE,
                                                                region=district))
        password = password or getpass.getpass("密码：")
        try:
            services.create_user(None, username=username, password=password, role=Role.DISTRICT_ADMIN, unit=org)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建区级管理员 {username}（{org.name}）"))
