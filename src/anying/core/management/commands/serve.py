import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application (waitress) with the background worker, for one-machine use."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="web only (run `anying worker` elsewhere)")

    def handle(self, *args, host, port, threads, no_worker, **options):
        from waitress import serve

        from anying.wsgi import application

        if not no_worker:
            threading.Thread(target=call_command, args=("worker",), daemon=True, name="anying-worker").start()
        self.stdout.write(f"安应 正在运行：http://{host}:{port}/  （数据目录 {settings.DATA_DIR}，按 Ctrl+C 停止）")
        serve(application, host=host, port=port, threads=threads, ident="anying")
