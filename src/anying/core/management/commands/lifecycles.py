from django.core.management.base import BaseCommand

from anying.core import workflow


class Command(BaseCommand):
    help = "Print every registered lifecycle table as Markdown (docs/lifecycles.md is this output)."

    def handle(self, *args, **options):
        self.stdout.write(workflow.markdown(), ending="")
