#!/usr/bin/env bash
# The floor under grow_demo on this machine: the rows a `grow_demo --applications N` wrote
# (with their loans, opening history rows and schedules),
# copied out with COPY TO and back with a bare COPY FROM into new tables without any index
# or constraint, per table, one after the other; then, on those tables, the plain secondary
# indexes grow_demo drops and builds again (the same definitions), two at a time as grow_demo
# builds them. No Python, no row generated, no foreign key checked: any grow_demo that drops
# and rebuilds its indexes is slower than the sum, unless it copies on several connections.
# FLOOR_INDEXED=1 also times the COPY into tables with all their indexes and keys (LIKE …
# INCLUDING ALL): what keeping the tables indexed during the load costs (minutes).
#
#   bench/grow_floor.sh jzd_speed_grow        # a database grow_demo just filled
set -euo pipefail
DB=${1:?database}
DIR=$(mktemp -d /tmp/jzd-floor-XXXX)
chmod 777 "$DIR"
psql_db() { psql -h 127.0.0.1 -U postgres -d "$DB" -qtAX -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
TABLES="applications_application applications_claim applications_evidence applications_authorisation applications_historyentry applications_contract applications_disbursement loans_loan loans_loanhistory loans_instalment"
uptime
for t in $TABLES; do psql_db -c "COPY $t TO '$DIR/$t.copy'"; done
du -sh "$DIR"
modes="bare"
[ "${FLOOR_INDEXED:-0}" = 1 ] && modes="bare indexed"
for mode in $modes; do
  total=0
  for t in $TABLES; do
    if [ $mode = bare ]; then like="LIKE $t"; else like="LIKE $t INCLUDING ALL"; fi
    psql_db -c "DROP TABLE IF EXISTS floor_$t" -c "CREATE TABLE floor_$t ($like)"
    start=$(now)
    psql_db -c "COPY floor_$t FROM '$DIR/$t.copy'"
    secs=$(echo "$(now) - $start" | bc)
    total=$(echo "$total + $secs" | bc)
    rows=$(psql_db -c "SELECT count(*) FROM floor_$t")
    printf "%-8s %-32s %9s rows %7.1f s\n" $mode $t "$rows" "$secs"
  done
  printf "%-8s %-32s %7.1f s\n" $mode "all tables" "$total"
  if [ $mode = bare ]; then
    # The indexes grow_demo drops (not unique, not a constraint's), on the floor tables.
    psql_db -c "
      SELECT replace(pg_get_indexdef(i.indexrelid), ' ON public.' || t.relname || ' ',
                     ' ON public.floor_' || t.relname || ' ')
             || ' -- ' || ic.relname
      FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE t.relname = ANY(string_to_array('${TABLES// /,}', ',')) AND NOT i.indisunique AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)" \
      | sed -E 's/CREATE INDEX ([a-z0-9_]+) ON/CREATE INDEX floor_\1 ON/' > "$DIR/indexes.sql"
    start=$(now)
    # Two at a time, each with the memory and parallel worker grow_demo gives them.
    tr '\n' '\0' < "$DIR/indexes.sql" | xargs -0 -P 2 -I{} psql -h 127.0.0.1 -U postgres -d "$DB" -qtAX \
      -v ON_ERROR_STOP=1 -c "SET maintenance_work_mem = '512MB'" -c "SET max_parallel_maintenance_workers = 1" -c "{}"
    secs=$(echo "$(now) - $start" | bc)
    printf "%-8s %-32s %7.1f s (%s indexes, two at a time)\n" $mode "index builds" "$secs" "$(wc -l < "$DIR/indexes.sql")"
  fi
  for t in $TABLES; do psql_db -c "DROP TABLE floor_$t"; done
done
rm -rf "$DIR"
uptime
