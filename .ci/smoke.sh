#!/usr/bin/env bash
# What `make run` does, on a throw-away SQLite database: migrate, seed the demo world (twice:
# it must be idempotent), serve, and open the main pages as each demo user.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
export DJANGO_SETTINGS_MODULE=jingzhidai.settings.local
export DATABASE_URL="sqlite:///$tmp/smoke.sqlite3" MEDIA_ROOT="$tmp/media" CELERY_BROKER_URL=
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo
$PY manage.py seed_demo >/dev/null
port=18765
$PY manage.py runserver --noreload "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 60); do curl -fsS -o /dev/null "http://127.0.0.1:$port/login/" && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$port/login/" | grep -q "登录京质贷"
curl -fsS "http://127.0.0.1:$port/api/v1/enterprises/check/?uscc=91110000802100433B" | grep -q '"valid":true'
$PY .ci/smoke_pages.py "http://127.0.0.1:$port"
echo "smoke: ok"
