from django.core.management.base import BaseCommand, CommandError

from anying.core.errors import ImportFileError
from anying.core.hooks import REGISTERS

from ._base import actor_option, resolve_actor


class Command(BaseCommand):
    help = "Import a register from .xlsx, e.g. `anying import enterprises FILE.xlsx`. Bad rows are listed; " \
           "by default nothing is imported when any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("register", choices=sorted(REGISTERS))
        parser.add_argument("file")
        parser.add_argument("--valid-only", action="store_true", help="import the valid rows, skip the bad ones")
        actor_option(parser)

    def handle(self, *args, register, file, valid_only, as_user, **options):
        actor = resolve_actor(as_user)
        try:
            with open(file, "rb") as fh:
                report = REGISTERS[register].importer(actor, fh, valid_only=valid_only)
        except (OSError, ImportFileError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.error_lines():
            self.stderr.write(line)
        self.stdout.write(report.summary())
        if not report.applied:
            raise CommandError("文件有错误，未导入。修正后重试，或加 --valid-only 仅导入无误的行。")
