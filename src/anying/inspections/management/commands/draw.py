"""`anying draw verify ID`: recompute a 双随机 draw from its stored seed and candidates and say
whether it matches what was published (exit status 1 when it does not)."""

from django.core.management.base import BaseCommand, CommandError

from anying.inspections.draws import verify
from anying.inspections.models import Draw


class Command(BaseCommand):
    help = "双随机抽取：verify ID 重新计算并核对抽取结果"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="重新计算并核对一次抽取")
        check.add_argument("draw_id", type=int)

    def handle(self, *args, **options):
        record = Draw.objects.filter(pk=options["draw_id"]).select_related("unit").first()
        if record is None:
            raise CommandError(f"没有编号为 {options['draw_id']} 的抽取")
        ok, message = verify(record)
        self.stdout.write(f"{record}（算法 {record.algorithm}，种子 {record.seed}）")
        if not ok:
            raise CommandError(f"不一致：{message}")
        self.stdout.write(self.style.SUCCESS(message))
