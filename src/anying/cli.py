"""The `anying` console command: a thin wrapper over Django's manage.py.

Every subcommand is a Django management command (demo, serve, tick, worker, createadmin,
createuser, token, import, export, migrate …), so `anying X` and `python -m django X` agree.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anying.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # The demo runs on a laptop with no configuration; a real deployment sets a key.
        os.environ.setdefault("ANYING_INSECURE_DEV_KEY", "1")
    if len(argv) == 1:
        argv.append("help")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["anying", *argv[1:]])


if __name__ == "__main__":
    main()
