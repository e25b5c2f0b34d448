"""`anying check_ledger`: prove the supplies ledger (supplies/checks.py); exit 1 on any mismatch."""

from django.core.management.base import BaseCommand

from anying.supplies.checks import problems


class Command(BaseCommand):
    help = "核对应急物资台账：每个结存等于其台账合计，结存链连续，无负数"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="最多列出的问题数")

    def handle(self, *args, limit=50, **options):
        found = problems(limit)
        for line in found:
            self.stderr.write(line)
        if found:
            self.stderr.write(f"台账核对未通过：{len(found)} 处问题")
            raise SystemExit(1)
        self.stdout.write("台账核对通过：所有结存与台账一致")
