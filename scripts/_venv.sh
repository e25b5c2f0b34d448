# Shared by scripts/demo and scripts/test: make .venv with Python ≥ 3.11 and install the project.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PY=$candidate; break
    fi
  done
fi
[ -n "$PY" ] || { echo "需要 Python 3.11 或更高版本 / Python >= 3.11 is required" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  echo "  创建 .venv（$("$PY" --version 2>&1)）…"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$1
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # pip's own lines show the progress: a silent minute looks like a hang (issue #13)
  echo "  从 PyPI 安装依赖（首次约需一两分钟）…"
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
  .venv/bin/python -m pip install --progress-bar on -e ".$2"
  touch "$stamp"
  echo "  依赖安装完成"
else
  echo "  依赖已安装（.venv）"
fi
