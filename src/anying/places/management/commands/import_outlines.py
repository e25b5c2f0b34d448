"""anying import_outlines FILE.geojson — region outlines for the map (places/outlines.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anying.places.outlines import import_outlines


class Command(BaseCommand):
    help = "导入区划边界（GeoJSON FeatureCollection，按名称匹配区划）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--name-property", default="name", help="要素中区划名称的属性名（默认 name）")
        parser.add_argument("--source", default="", help="数据来源说明，随边界保存")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            done, problems = import_outlines(None, path.read_bytes(), name_property=options["name_property"],
                                             source=options["source"] or path.name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for line in problems:
            self.stderr.write(line)
        self.stdout.write(f"已导入 {done} 个区划的边界" + (f"，{len(problems)} 个要素未导入" if problems else ""))
