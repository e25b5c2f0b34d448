"""`anying rollups check` recounts the dashboard's tallies (hazards, inspections) from their
tables and exits 1 on any difference; `anying rollups rebuild` recounts and stores them (after
loading records in bulk past the services, e.g. a migration from another system). It lives in
oversight, the app that reads every tally, so hazards and inspections stay unaware of each other."""

import time

from django.core.management.base import BaseCommand, CommandError

from anying.hazards import rollups as hazard_rollups
from anying.inspections import rollups as inspection_rollups

ROLLUPS = [("隐患", hazard_rollups), ("执法检查", inspection_rollups)]


class Command(BaseCommand):
    help = "汇总表：check 全量核对；rebuild 全量重算"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "rebuild"])

    def handle(self, *args, **options):
        problems = []
        for label, module in ROLLUPS:
            started = time.monotonic()
            if options["action"] == "rebuild":
                rows = module.rebuild()
                self.stdout.write(self.style.SUCCESS(f"{label}：已重算 {rows} 行汇总（{time.monotonic() - started:.1f} 秒）"))
                continue
            found = module.check()
            for line in found[:50]:
                self.stdout.write(line)
            problems += found
            state = f"{len(found)} 处不一致" if found else "一致"
            self.stdout.write(f"{label}：汇总与全量计数{state}（{time.monotonic() - started:.1f} 秒）")
        if problems:
            raise CommandError(f"汇总与全量计数不一致：{len(problems)} 处（可运行 anying rollups rebuild 重算）")
