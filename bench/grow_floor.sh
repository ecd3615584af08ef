#!/usr/bin/env bash
# The floor under grow_demo on this machine: the rows a `grow_demo --applications N` wrote,
# copied out with COPY TO and back with a bare COPY FROM into (1) new tables without any
# index or constraint and (2) new tables with the same indexes and keys (LIKE … INCLUDING
# ALL), per table; no Python, no row generated, no foreign key checked. Any grow_demo is
# slower than (1); (2) is what keeping the tables indexed costs.
#
#   bench/grow_floor.sh jzd_speed_grow        # a database grow_demo just filled
set -euo pipefail
DB=${1:?database}
DIR=$(mktemp -d /tmp/jzd-floor-XXXX)
chmod 777 "$DIR"
psql_db() { psql -h 127.0.0.1 -U postgres -d "$DB" -qtAX -v ON_ERROR_STOP=1 "$@"; }
TABLES="applications_application applications_claim applications_evidence applications_authorisation applications_historyentry applications_contract applications_disbursement"
uptime
for t in $TABLES; do psql_db -c "COPY $t TO '$DIR/$t.copy'"; done
du -sh "$DIR"
for mode in bare indexed; do
  total=0
  for t in $TABLES; do
    if [ $mode = bare ]; then like="LIKE $t"; else like="LIKE $t INCLUDING ALL"; fi
    psql_db -c "DROP TABLE IF EXISTS floor_$t" -c "CREATE TABLE floor_$t ($like)"
    start=$(date +%s.%N)
    psql_db -c "COPY floor_$t FROM '$DIR/$t.copy'"
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc)
    total=$(echo "$total + $secs" | bc)
    rows=$(psql_db -c "SELECT count(*) FROM floor_$t")
    printf "%-8s %-32s %9s rows %7.1f s\n" $mode $t "$rows" "$secs"
    psql_db -c "DROP TABLE floor_$t"
  done
  printf "%-8s %-32s %7.1f s\n" $mode "all tables" "$total"
done
rm -rf "$DIR"
uptime
