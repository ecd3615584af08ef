#!/usr/bin/env bash
# The API fuzzer: schemathesis over the whole OpenAPI schema (/api/schema/), as each demo role
# and anonymously, against a server of its own (gunicorn, test settings, own PostgreSQL
# database seeded with the demo world, loopback only). Examples and fuzzing phases, valid and
# invalid data; the only check is `not_a_server_error`: any 5xx fails. Time is bounded per
# role (FUZZ_SECONDS, default 30) so the step stays within about six minutes.
# Local use: FUZZ_DB=… FUZZ_SECONDS=… FUZZ_ROLES="officer city" bash .ci/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ST=.venv/bin/schemathesis
db=${FUZZ_DB:-jingzhidai_fuzz}
port=${FUZZ_PORT:-18766}
seconds=${FUZZ_SECONDS:-30}
phases=${FUZZ_PHASES:-examples,fuzzing}
workers=${FUZZ_WORKERS:-1}
roles=${FUZZ_ROLES:-"anonymous enterprise officer approver district city bank_admin admin"}
tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=jingzhidai.settings.test
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" CELERY_BROKER_URL= MEDIA_ROOT="$tmp/media"
# The fuzzer signs in with wrong passwords on purpose: the demo users must not be locked out.
export AXES_FAILURE_LIMIT=1000000000 API_ANON_RATE=1000000/minute
export DJANGO_ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=ERROR

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo >/dev/null

.venv/bin/gunicorn jingzhidai.wsgi:application --bind "127.0.0.1:$port" --workers 2 --threads 2 \
  --timeout 60 --log-level warning >"$tmp/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 60); do curl -fsS -o /dev/null "$base/api/schema/" && break; sleep 0.5; done
curl -fsS -o "$tmp/schema.yaml" "$base/api/schema/"

token() {
  curl -fsS -X POST "$base/api/v1/auth/token/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"${DEMO_PASSWORD:-Jzd-demo-2026!}\"}" |
    $PY -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
declare -A users=([enterprise]=demo-enterprise [officer]=demo-officer [approver]=demo-approver
  [district]=demo-district [city]=demo-city [bank_admin]=demo-bank-admin [admin]=demo-admin)
declare -A tokens=()
for role in $roles; do  # every token first: a later role may deactivate an earlier one's account
  [ "$role" = anonymous ] || tokens[$role]=$(token "${users[$role]}")
done

failed=()
for role in $roles; do
  printf '\n---- fuzzing the API as %s (%ss) ----\n' "$role" "$seconds"
  auth=()
  [ "$role" = anonymous ] || auth=(-H "Authorization: Token ${tokens[$role]}")
  if ! $ST run "$tmp/schema.yaml" --url "$base" "${auth[@]}" \
      --phases "$phases" --checks not_a_server_error --max-time "$seconds" \
      --workers "$workers" --request-timeout 30 --generation-database none --no-color \
      --suppress-health-check all --warnings off --output-truncate true; then
    failed+=("$role")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: server errors as: ${failed[*]}"
  echo "server log:"; tail -n 200 "$tmp/server.log"
  exit 1
fi
echo "fuzz: ok (no 5xx)"
