from django.core.management.base import BaseCommand

from anying.core.hooks import REGISTERS

from ._base import actor_option, resolve_actor


class Command(BaseCommand):
    help = "Export a register to .xlsx, e.g. `anying export enterprises FILE.xlsx`."

    def add_arguments(self, parser):
        parser.add_argument("register", choices=sorted(REGISTERS))
        parser.add_argument("file")
        actor_option(parser)

    def handle(self, *args, register, file, as_user, **options):
        count = REGISTERS[register].exporter(resolve_actor(as_user), file)
        self.stdout.write(f"已导出 {count} 条到 {file}")
