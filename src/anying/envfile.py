"""`anying.env`: settings kept in the data directory, so a command run in the demo's folder finds
the demo's database and key with no variables exported (issue #13).

The file holds KEY=value lines; only ANYING_* keys count, and only as defaults: a variable set in
the environment always wins. `anying demo` writes it (a random secret key of its own, and the
database URL when the demo ran on one). Plain Python, no Django: settings.py reads it before
anything else is configured."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

NAME = "anying.env"


def data_dir() -> Path:
    """ANYING_DATA_DIR, else `./data` — or the current directory itself when it is a data
    directory (holds anying.env), so `anying` also works run from inside the demo's `data`."""
    configured = os.environ.get("ANYING_DATA_DIR")
    if configured:
        return Path(configured).resolve()
    here = Path.cwd()
    if (here / NAME).is_file() and not (here / "data" / NAME).is_file():
        return here.resolve()
    return (here / "data").resolve()


def read(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return {}
    values = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        key = key.strip()
        # ANYING_DATA_DIR cannot come from the file: the file is found through it.
        if sep and key.startswith("ANYING_") and key != "ANYING_DATA_DIR":
            values[key] = value.strip()
    return values


def apply(path: Path) -> None:
    """The file's values as defaults for the variables the environment leaves unset."""
    for key, value in read(path).items():
        os.environ.setdefault(key, value)


def write_demo(directory: Path) -> Path:
    """The demo's file: its own random secret key (kept across runs, so sessions survive a
    restart) and the database it runs on when that is not the default SQLite file."""
    path = directory / NAME
    old = read(path)
    lines = [
        "# 演示环境的设置，由 anying demo 写入。在此目录（或其上一级目录）运行的 anying 命令读取它，",
        "# 已设置的环境变量优先。这是演示用的配置，不要用于生产环境。",
        f"ANYING_SECRET_KEY={old.get('ANYING_SECRET_KEY') or secrets.token_urlsafe(48)}",
    ]
    if os.environ.get("ANYING_DATABASE_URL"):
        lines.append(f"ANYING_DATABASE_URL={os.environ['ANYING_DATABASE_URL']}")
    directory.mkdir(parents=True, exist_ok=True)
    # It holds a key (and perhaps a database password): readable by its owner only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path
