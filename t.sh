#!/bin/bash
cd /work/wt-training
export ANYING_DATA_DIR=$(mktemp -d) ANYING_DEBUG=0 ANYING_SECRET_KEY=x DJANGO_ALLOW_ASYNC_UNSAFE=true
if [ -n "$PG" ]; then export ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_$PG; set -- "$@" --create-db; fi
.venv/bin/pytest -p no:randomly -q "$@" 2>&1 | tail -${TAILN:-30}
