"""`anying draw verify ID`: recompute a 双随机 draw from its stored seed and candidates and say
whether it matches what was published (exit status 1 when it does not).

The arguments are checked here, not by argparse, so that a clerk who mistypes the command gets
a Chinese answer saying what to type (argparse's own messages are English)."""

from django.core.management.base import BaseCommand, CommandError

from anying.inspections.draws import verify
from anying.inspections.models import Draw

USAGE = "用法：anying draw verify 编号（编号见双随机抽查页面和结果公开页面，例如 anying draw verify 1）"


class Command(BaseCommand):
    help = "双随机抽取：verify 编号 —— 按保存的种子、参数和候选名单重新计算，并核对抽取结果"

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", default="", help="verify：重新计算并核对一次抽取")
        parser.add_argument("draw_id", nargs="?", default="", help="抽取编号")

    def handle(self, *args, action, draw_id, **options):
        if action != "verify":
            raise CommandError(USAGE)
        if not str(draw_id).isdigit():
            raise CommandError(f"请给出抽取编号（正整数）。{USAGE}")
        record = Draw.objects.filter(pk=int(draw_id)).select_related("unit").first()
        if record is None:
            known = list(Draw.objects.order_by("-pk").values_list("pk", flat=True)[:10])
            hint = f"现有的抽取编号：{'、'.join(map(str, sorted(known)))}" if known else "系统中还没有任何抽取记录"
            raise CommandError(f"没有编号为 {draw_id} 的抽取；{hint}")
        ok, message = verify(record)
        self.stdout.write(f"第 {record.pk} 号 {record.title}（{record.unit.name}，{record.drawn_on:%Y-%m-%d}；"
                          f"算法 {record.algorithm}，种子 {record.seed}）")
        if not ok:
            raise CommandError(f"不一致：{message}")
        self.stdout.write(self.style.SUCCESS(message))
