"""`anying rollups check` recounts the dashboard's hazard tallies from the hazard table and
exits 1 on any difference; `anying rollups rebuild` recounts and stores them (after loading
hazards in bulk past the services, e.g. a migration from another system)."""

import time

from django.core.management.base import BaseCommand, CommandError

from anying.hazards import rollups


class Command(BaseCommand):
    help = "隐患汇总表：check 全量核对；rebuild 全量重算"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "rebuild"])

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["action"] == "rebuild":
            rows = rollups.rebuild()
            self.stdout.write(self.style.SUCCESS(f"已重算 {rows} 行汇总（{time.monotonic() - started:.1f} 秒）"))
            return
        problems = rollups.check()
        for line in problems[:50]:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"汇总与全量计数不一致：{len(problems)} 处（可运行 anying rollups rebuild 重算）")
        self.stdout.write(self.style.SUCCESS(f"汇总与全量计数一致（{time.monotonic() - started:.1f} 秒）"))
