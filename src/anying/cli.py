"""The `anying` console command: a thin wrapper over Django's manage.py.

Every subcommand is a Django management command (demo, serve, tick, worker, createadmin,
createuser, token, import, export, migrate …), so `anying X` and `python -m django X` agree.
"""

import os
import sys

from anying import envfile


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anying.settings")
    if len(argv) > 1 and argv[1] == "demo" and not {"-h", "--help"} & set(argv):
        # The demo runs on a laptop with no configuration: it keeps a key of its own (and the
        # database it runs on) in the data directory's anying.env, which every later `anying`
        # command run in the same folder reads (envfile.py). A real deployment sets a key.
        try:
            envfile.write_demo(envfile.data_dir())
        except OSError:
            os.environ.setdefault("ANYING_INSECURE_DEV_KEY", "1")  # a read-only folder: the public dev key
    if len(argv) == 1:
        argv.append("help")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["anying", *argv[1:]])


if __name__ == "__main__":
    main()
