import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run `tick` in a loop (every --interval seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=300)

    def handle(self, *args, interval, **options):
        while True:
            try:
                call_command("tick", verbosity=0, stdout=self.stdout)
            except Exception as exc:  # keep the worker alive; the next tick retries
                self.stderr.write(f"tick failed: {exc!r}")
            time.sleep(interval)
