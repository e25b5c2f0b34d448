"""`anying demo`: create or upgrade the database, load the demo data once, print where to sign in
and serve. On a fresh machine this takes a minute or more, so every phase says what it does
(issue #13: a silent minute looks like a hang). scripts/demo prints phase 1 (the install)."""

import random
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from anying.core.demo import DEMO_PASSWORD, printed_logins
from anying.core.hooks import DEMO_LOADERS

STEPS = 4  # 1 Python environment (scripts/demo), 2 database, 3 demo data, 4 serve
# Bookkeeping the loaders write as a side effect: not what a newcomer wants counted.
UNCOUNTED = {"core.auditevent", "core.notification", "core.delivery", "core.clockstep", "sessions.session",
             "contenttypes.contenttype", "auth.permission"}
SHOWN_PER_MODULE = 4


def _counted(model) -> bool:
    # counters and other internal tables have no Chinese name: nothing a newcomer recognises
    named = any("\u4e00" <= c <= "\u9fff" for c in str(model._meta.verbose_name_plural))
    return named and model._meta.managed and not model._meta.proxy and model._meta.label_lower not in UNCOUNTED


def row_counts() -> dict:
    return {m: m._base_manager.count() for m in apps.get_models() if _counted(m)}


def added_text(before: dict, after: dict) -> str:
    """"企业 243、隐患 3002 等" — the largest additions first."""
    added = sorted(((after[m] - before.get(m, 0), m) for m in after if after[m] > before.get(m, 0)),
                   key=lambda pair: (-pair[0], pair[1]._meta.label))
    text = "、".join(f"{m._meta.verbose_name_plural} {n}" for n, m in added[:SHOWN_PER_MODULE])
    return text + (" 等" if len(added) > SHOWN_PER_MODULE else "")


def local_address(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # listening everywhere: open it locally
    return f"http://{shown}:{port}"


class Command(BaseCommand):
    help = "Create or upgrade the database, load the demo data once, print the logins and serve."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and exit")

    def say(self, text: str = "", ending: str = "\n") -> None:
        self.stdout.write(text, ending=ending)
        self.stdout.flush()  # piped output (a log, CI) would otherwise arrive all at the end

    def step(self, number: int, text: str) -> None:
        self.say(self.style.MIGRATE_HEADING(f"[{number}/{STEPS}] {text}"))

    def handle(self, *args, host, port, no_serve, **options):
        self.migrate()
        self.load()
        self.step(4, "准备完成" if no_serve else "启动服务")
        self.print_addresses(local_address(host, port))
        if not no_serve:
            call_command("serve", host=host, port=port)

    def migrate(self) -> None:
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        fresh = not executor.loader.applied_migrations
        if fresh:
            self.step(2, f"创建数据库（{pending} 个迁移）…")
        elif pending:
            self.step(2, f"升级数据库（{pending} 个迁移）…")
        else:
            self.step(2, "数据库已是最新")
        self.say(f"  数据库：{connection.settings_dict['NAME']}")
        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        if pending:
            self.say(f"  完成（{time.monotonic() - started:.0f} 秒）")

    def load(self) -> None:
        self.step(3, "演示数据（首次加载约需一分钟）…")
        rng = random.Random(2022)  # same demo data on every machine
        counts = row_counts()
        loaded = False
        for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
            app = apps.get_containing_app_config(loader.load.__module__)
            self.say(f"  {app.verbose_name if app else loader.name}：", ending="")
            started = time.monotonic()
            loader.load(rng)
            after = row_counts()
            text = added_text(counts, after)
            counts = after
            loaded = loaded or bool(text)
            self.say(f"{text}（{time.monotonic() - started:.0f} 秒）" if text else "已有，跳过")
        self.say("  推进到今天（逾期升级、到期提醒）：", ending="")
        started = time.monotonic()
        call_command("tick", verbosity=0)  # bring the demo up to today: overdue steps, expiries
        self.say(f"完成（{time.monotonic() - started:.0f} 秒）")
        if not loaded:
            self.say(f"  演示数据此前已加载，未重复加载。要从头再来，删除数据目录 {settings.DATA_DIR}")

    def print_addresses(self, local: str) -> None:
        public = settings.ANYING_PUBLIC_URL
        self.say(self.style.SUCCESS(f"  工作人员登录：{local}/login/"))
        self.say(f"  公众页面（12350 举报、查询办理进度）：{local}/")
        if public:
            self.say(f"  二维码和打印的公开地址使用 ANYING_PUBLIC_URL：{public}")
        else:
            self.say(self.style.WARNING(
                f"  二维码指向本机地址 {local}，只能在这台电脑上打开，手机扫码打不开。"
                "要让同一网络中的手机扫码：用 --host 0.0.0.0 启动，并设置 "
                "ANYING_PUBLIC_URL=http://本机局域网地址:端口（见 docs/operations.md）。"))
        self.say(f"  演示账号（密码均为 {DEMO_PASSWORD}）：")
        for role, username, unit in printed_logins():
            self.say(f"    {role:<8} {username:<10} {unit}")
        if settings.ENV_FILE.is_file():
            # the folders where a later command finds this data directory by itself (envfile.data_dir)
            here = Path.cwd().resolve()
            folder = here if settings.DATA_DIR in (here / "data", here) else settings.DATA_DIR
            self.say(f"  在 {folder} 中运行的 anying 命令（如 anying check、anying createuser）自动使用演示的"
                     f"数据库和密钥，无需设置环境变量（保存在 {settings.ENV_FILE}）。")
