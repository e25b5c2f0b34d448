from django.core.management.base import BaseCommand
from django.utils import timezone

from anying.core.hooks import TICK_JOBS


class Command(BaseCommand):
    help = "Run all due background work once (deadline escalation, expiry, notifications). Idempotent."

    def handle(self, *args, **options):
        now = timezone.now()
        for job in TICK_JOBS.values():
            changed = job.run(now)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{job.name}: {changed}")
