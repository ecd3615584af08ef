#!/usr/bin/env bash
# The production path, everything on loopback and started here: an S3-compatible server (moto,
# installed from requirements.lock), `migrate` and `collectstatic` under jingzhidai.settings.production
# on PostgreSQL, gunicorn, a Celery worker and beat on Redis. Checks: collectstatic exits 0 with the
# manifest storage; /login/, a hashed static file and /health/ (every component ok) answer 200
# through gunicorn; a task goes through Redis to the worker and back; beat runs the DatabaseScheduler;
# a file saved through the storage API lands in the bucket. Then the restore drill: seed the demo
# world, `backup`, `restore` into a new empty database and an empty bucket, and compare the digest
# of data and files (.ci/digest.py). Needs PostgreSQL on 127.0.0.1:5432 and Redis on :6379 (.ci/run
# starts them). Uses the databases jingzhidai_prodcheck(_restore) and Redis dbs 2 (broker) and 3 (cache).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DB=jingzhidai_prodcheck
RESTORE_DB=jingzhidai_prodcheck_restore
HOST=jingzhidai.example.gov.cn
tmp=$(mktemp -d)
pids=()

psql_admin() { psql -h 127.0.0.1 -U postgres -d postgres -qtAX -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "$tmp"/*.log; do [ -f "$log" ] && { echo "---- $log"; tail -n 40 "$log"; }; done
  fi
  psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $RESTORE_DB WITH (FORCE)" \
    >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -n 2 flushdb >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -n 3 flushdb >/dev/null 2>&1 || true
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {  # wait_for WHAT COMMAND…: up to 30 s
  local what=$1; shift
  for _ in $(seq 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "production check: $what did not come up" >&2; return 1
}
started=$SECONDS
ok() { echo "production check ($((SECONDS - started)) s): $*"; }

psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $RESTORE_DB WITH (FORCE)" \
  -c "CREATE DATABASE $DB" >/dev/null
redis-cli -h 127.0.0.1 -n 2 flushdb >/dev/null
redis-cli -h 127.0.0.1 -n 3 flushdb >/dev/null

s3_port=$(free_port)
$PY -m moto.server -H 127.0.0.1 -p "$s3_port" >"$tmp/s3.log" 2>&1 &
pids+=($!)
wait_for "the S3 server" curl -fsS "http://127.0.0.1:$s3_port/"

export DJANGO_SETTINGS_MODULE=jingzhidai.settings.production
DJANGO_SECRET_KEY="ci-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')"
export DJANGO_SECRET_KEY DJANGO_ALLOWED_HOSTS=$HOST
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
export CELERY_BROKER_URL=redis://127.0.0.1:6379/2 CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/2
export CACHE_URL=redis://127.0.0.1:6379/3
export STORAGE_BACKEND=s3 S3_ENDPOINT_URL=http://127.0.0.1:$s3_port S3_BUCKET=jingzhidai S3_REGION=us-east-1
export S3_ACCESS_KEY=prodcheck S3_SECRET_KEY=prodcheck-secret
export LOG_LEVEL=WARNING
make_bucket() {
  $PY -c "import boto3, os, sys; boto3.client('s3', endpoint_url=os.environ['S3_ENDPOINT_URL'], region_name='us-east-1',
aws_access_key_id='x', aws_secret_access_key='y').create_bucket(Bucket=sys.argv[1])" "$1"
}
make_bucket jingzhidai

$PY manage.py migrate --noinput -v0
# the worker and beat start while collectstatic runs
.venv/bin/celery -A jingzhidai worker -l warning --concurrency 1 -n "prodcheck@%h" --without-mingle \
  --without-gossip >"$tmp/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A jingzhidai beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler \
  --schedule "$tmp/beat-schedule" --pidfile "$tmp/beat.pid" >"$tmp/beat.log" 2>&1 &
beat=$!
pids+=($beat)
$PY manage.py collectstatic --noinput -v0
test -s staticfiles/staticfiles.json
ok "collectstatic exit 0, manifest written"

web_port=$(free_port)
WEB=http://127.0.0.1:$web_port
.venv/bin/gunicorn jingzhidai.wsgi:application --bind "127.0.0.1:$web_port" --workers 2 --timeout 60 \
  --control-socket "$tmp/gunicorn.ctl" \
  >"$tmp/gunicorn.log" 2>&1 &
pids+=($!)
get() { curl -fsS -H "Host: $HOST" -H "X-Forwarded-Proto: https" "$@"; }  # as the TLS proxy sends it
wait_for "gunicorn" get -o /dev/null "$WEB/login/"
get "$WEB/login/" >"$tmp/login.html"
grep -q "登录京质贷" "$tmp/login.html"
css=$(grep -o '/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]\{12\}\.css' "$tmp/login.html" | head -1)
test -n "$css" || { echo "production check: /login/ links no hashed stylesheet" >&2; exit 1; }
get -o "$tmp/bootstrap.css" "$WEB$css"
cmp -s "$tmp/bootstrap.css" static/vendor/bootstrap/bootstrap.min.css
get -o /dev/null "$WEB/check/"
get -o /dev/null "$WEB/api/docs/"
ok "gunicorn serves /login/, /check/, /api/docs/ and $css"
get "$WEB/health/" | $PY -c 'import json, sys; body = json.load(sys.stdin); print(body)
assert body == {"status": "ok", "components": dict.fromkeys(["database", "cache", "broker", "storage"], "ok")}'
ok "/health/ 200, every component ok"

$PY -c 'import django; django.setup()
from jingzhidai.tasks import ping
assert ping.delay().get(timeout=45) == "pong"'
ok "a task went through Redis to the worker and back"

wait_for "beat" grep -q "beat: Starting" "$tmp/beat.log"
grep -q "scheduler -> django_celery_beat.schedulers.DatabaseScheduler" "$tmp/beat.log"
sleep 2
kill -0 "$beat"
ok "beat runs the DatabaseScheduler"

$PY manage.py shell -v0 -c '
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage
assert isinstance(default_storage, S3Storage), default_storage.__class__
print(default_storage.save("prodcheck/probe.txt", ContentFile(b"jingzhidai production check")))' >"$tmp/saved"
$PY -c "import boto3, os, sys; body = boto3.client('s3', endpoint_url=os.environ['S3_ENDPOINT_URL'], region_name='us-east-1',
aws_access_key_id='x', aws_secret_access_key='y').get_object(Bucket='jingzhidai', Key=sys.argv[1])['Body'].read()
assert body == b'jingzhidai production check', body" "$(cat "$tmp/saved")"
ok "a file saved through the storage API is in the bucket"

# Restore drill: the demo world (applications with evidence files in the bucket), backup, restore
# into a new empty database and an empty bucket, same data and files.
$PY manage.py seed_demo >/dev/null
$PY .ci/digest.py >"$tmp/before.json"
$PY manage.py backup "$tmp/jingzhidai.tar"
psql_admin -c "CREATE DATABASE $RESTORE_DB" >/dev/null
make_bucket jingzhidai-restored
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$RESTORE_DB S3_BUCKET=jingzhidai-restored \
  $PY manage.py restore "$tmp/jingzhidai.tar"
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$RESTORE_DB S3_BUCKET=jingzhidai-restored \
  $PY .ci/digest.py >"$tmp/after.json"
diff "$tmp/before.json" "$tmp/after.json"
$PY -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(len(d["applications"]), "applications,", len(d["evidence"]), "evidence rows,", len(d["files"]), "files")
assert d["applications"] and d["evidence"] and d["files"]' "$tmp/after.json"
ok "restore drill: the restored database and bucket hold the same applications and files"
echo "production check: ok"
