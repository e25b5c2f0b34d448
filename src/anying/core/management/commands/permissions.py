from django.core.management.base import BaseCommand

from anying.core.permissions import matrix_markdown


class Command(BaseCommand):
    help = "Print every registered permission code and the roles holding it, as the Markdown table in docs/architecture.md."

    def handle(self, *args, **options):
        self.stdout.write(matrix_markdown(), ending="")
