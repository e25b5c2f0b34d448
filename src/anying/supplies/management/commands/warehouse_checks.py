"""`anying warehouse_checks`: give every warehouse in use the standard 日检, 周检 and 月检 it lacks
(warehouses registered before the checks existed; supplies/rounds.py), and list who is behind."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from anying.core.permissions import SYSTEM
from anying.supplies import rounds
from anying.supplies.models import Warehouse


class Command(BaseCommand):
    help = "为在用的应急物资仓库补齐日检、周检、月检计划，并列出检查落后的仓库"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出缺少检查计划和落后的仓库，不生成")

    def handle(self, *args, dry_run=False, **options):
        made = 0
        for wh in Warehouse.objects.filter(is_active=True).order_by("id"):
            have = set(wh.check_schedules.filter(active=True).values_list("frequency", flat=True))
            missing = [t.name for t in rounds.TIERS if t.frequency not in have]
            if not missing:
                continue
            if dry_run:
                self.stdout.write(f"{wh.name}：缺少 {'、'.join(missing)}")
                continue
            made += len(rounds.ensure_defaults(SYSTEM, wh))
        today = timezone.localdate()
        late = Warehouse.objects.filter(rounds.behind_exists(rounds.behind_q(today)), is_active=True).order_by("name")
        for wh in late:
            self.stdout.write(f"检查落后：{wh.name}（{wh.owner}）")
        made_text = "（试运行，未生成）" if dry_run else f"已生成检查计划 {made} 个，"
        self.stdout.write(f"{made_text}检查落后的仓库 {late.count()} 个")
