"""Beijing-scale ingest benchmark (issue 3). Run on PostgreSQL:

    .venv/bin/python bench/ingest.py --rows 2000000 --negatives 500000

Steps, all against one scratch database (default `jzd_bench`, recreated unless --keep-db):
1. generate the published-list files under bench/out/ (feedgen; reused when present);
2. baseline: bare PostgreSQL COPY of the registration file into an unindexed all-text table;
3. `manage.py sync_elements registration FILE` in a child process: rate and peak memory;
4. the same file again (a re-sync of an unchanged file);
5. the same for the negative-record feeds (abnormal, serious, penalty, spotcheck) and COPY of them;
6. profile lookups on random enterprises: query count and median / p95 latency;
7. the floor: COPY of the registry's clean rows into an empty table with the registry's indexes
   (what any sync must at least do), as a ratio of the bare COPY.
Prints a table and writes bench/out/results.json."""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable


def sh(*args, env=None, check=True):
    return subprocess.run(args, cwd=ROOT, env=env, check=check, text=True, capture_output=True)


def db_url(name):
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def child_env(db):
    return {**os.environ, "DATABASE_URL": db_url(db), "DJANGO_SETTINGS_MODULE": "jingzhidai.settings.local",
            "DJANGO_DEBUG": "false", "CELERY_BROKER_URL": ""}


def recreate_db(db):
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"drop database if exists {db}")
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"create database {db}")
    sh(PY, "manage.py", "migrate", "--noinput", "-v0", env=child_env(db))


def generate(feed, n, seed):
    path = OUT / f"{feed}-{n}.csv"
    if not path.exists():
        t = time.perf_counter()
        code = (f"from elements.feedgen import write_feed; "
                f"write_feed({feed!r}, {str(path)!r}, n_rows={n}, seed={seed}, malformed_share=0.001, "
                f"duplicate_share=0.001)")
        sh(PY, "-c", f"import django; django.setup(); {code}", env=child_env("postgres"))
        print(f"  generated {path.name} in {time.perf_counter() - t:.1f}s", flush=True)
    return path


def timed_copy(db, table: str, create: str, path, options: str = "", encoding: str = "utf-8"):
    """(rows, seconds) of a COPY of `path` into a new `table` made by `create`; dropped after."""
    import psycopg2

    conn = psycopg2.connect(db_url(db))
    cur = conn.cursor()
    cur.execute(f"drop table if exists {table}")
    cur.execute(create)
    conn.commit()
    t = time.perf_counter()
    with open(path, encoding=encoding) as fh:
        cur.copy_expert(f"copy {table} from stdin {options}", fh)
    conn.commit()
    seconds = time.perf_counter() - t
    cur.execute(f"select count(*) from {table}")
    rows = cur.fetchone()[0]
    cur.execute(f"drop table {table}")
    conn.commit()
    conn.close()
    return rows, seconds


def copy_baseline(db, path, ncols):
    """Bare COPY of the same file into an unindexed table of text columns."""
    return timed_copy(db, "bench_copy", "create table bench_copy (" + ", ".join(f"c{i} text" for i in range(ncols))
                      + ")", path, "with (format csv, header true)", encoding="utf-8-sig")


def keyed_floor(db):
    """The least any sync can cost: COPY of the registry's own clean rows (as the first sync left
    them) into an empty table with the registry's indexes, nothing validated or compared."""
    import psycopg2

    dump = OUT / "floor.copy"
    conn = psycopg2.connect(db_url(db))
    with open(dump, "w", encoding="utf-8") as fh:
        conn.cursor().copy_expert("copy identity_enterprise to stdout", fh)
    conn.close()
    try:
        return timed_copy(db, "bench_floor", "create table bench_floor (like identity_enterprise including indexes)",
                          dump)
    finally:
        dump.unlink()


def sync(db, feed, path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = sh(PY, "manage.py", "sync_elements", feed, str(path), env=child_env(db), check=False)
    seconds = time.perf_counter() - t
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit(f"sync_elements {feed} failed ({proc.returncode})")
    return seconds, max(peak_kb, before) / 1024, proc.stdout.strip().splitlines()[-6:]


def profile_latency(db, n_total, samples):
    code = f"""
import json, random, statistics, time
import django; django.setup()
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from elements.feedgen import code_for
from elements.selectors import profile_get
from identity.models import Enterprise
rng = random.Random(7)
codes = [code_for(rng.randrange({n_total})) for _ in range({samples})]
ents = {{e.uscc: e for e in Enterprise.objects.filter(uscc__in=codes)}}
times, queries = [], set()
for c in codes:
    e = ents.get(c)
    if e is None:
        continue
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as q:
        profile_get(enterprise=e)
    times.append((time.perf_counter() - t) * 1000)
    queries.add(len(q))
times.sort()
print(json.dumps({{"n": len(times), "median_ms": statistics.median(times), "p95_ms": times[int(len(times) * .95) - 1],
                  "queries": sorted(queries)}}))
"""
    proc = sh(PY, "-c", code, env=child_env(db))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--negatives", type=int, default=500_000, help="rows over abnormal+serious+penalty+spotcheck")
    ap.add_argument("--db", default="jzd_bench")
    ap.add_argument("--keep-db", action="store_true")
    ap.add_argument("--profiles", type=int, default=1000)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.keep_db:
        recreate_db(args.db)
    results = {"rows": args.rows, "negatives": args.negatives}

    print(f"registration: {args.rows:,} rows", flush=True)
    reg = generate("registration", args.rows, seed=1)
    copy_rows, copy_s = copy_baseline(args.db, reg, 11)
    first_s, first_mb, summary = sync(args.db, "registration", reg)
    again_s, again_mb, summary2 = sync(args.db, "registration", reg)
    floor_rows, floor_s = keyed_floor(args.db)
    results["registration_floor"] = {"rows": floor_rows, "seconds": floor_s, "rows_per_s": floor_rows / floor_s,
                                     "ratio_to_copy": (floor_rows / floor_s) / (copy_rows / copy_s)}
    results["registration"] = {
        "copy_rows_per_s": copy_rows / copy_s, "sync_rows_per_s": args.rows / first_s,
        "resync_rows_per_s": args.rows / again_s, "ratio_sync_to_copy": (args.rows / first_s) / (copy_rows / copy_s),
        "peak_mb": max(first_mb, again_mb), "copy_s": copy_s, "sync_s": first_s, "resync_s": again_s,
        "summary": summary, "resync_summary": summary2,
    }

    per_feed = args.negatives // 4
    for feed, ncols in (("abnormal", 9), ("serious", 9), ("penalty", 8), ("spotcheck", 11)):
        print(f"{feed}: {per_feed:,} rows", flush=True)
        path = generate(feed, per_feed, seed=2)
        copy_rows, copy_s = copy_baseline(args.db, path, ncols)
        s1, mb1, summary = sync(args.db, feed, path)
        s2, mb2, summary2 = sync(args.db, feed, path)
        results[feed] = {"copy_rows_per_s": copy_rows / copy_s, "sync_rows_per_s": per_feed / s1,
                         "resync_rows_per_s": per_feed / s2, "ratio_sync_to_copy": (per_feed / s1) / (copy_rows / copy_s),
                         "peak_mb": max(mb1, mb2), "summary": summary, "resync_summary": summary2}

    print(f"profiles: {args.profiles} random lookups", flush=True)
    results["profile"] = profile_latency(args.db, args.rows, args.profiles)

    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print("\nfeed          COPY rows/s   sync rows/s   ratio   re-sync rows/s   peak MB")
    for feed in ("registration", "abnormal", "serious", "penalty", "spotcheck"):
        r = results[feed]
        print(f"{feed:<13} {r['copy_rows_per_s']:>11,.0f}   {r['sync_rows_per_s']:>11,.0f}   {r['ratio_sync_to_copy']:.2f}"
              f"   {r['resync_rows_per_s']:>14,.0f}   {r['peak_mb']:>7.0f}")
    f = results["registration_floor"]
    print(f"\nfloor: COPY of the {f['rows']:,} clean registry rows into a table with the registry's indexes: "
          f"{f['rows_per_s']:,.0f} rows/s = {f['ratio_to_copy']:.2f} of the bare COPY")
    p = results["profile"]
    print(f"\nprofile lookups: n={p['n']} median {p['median_ms']:.1f} ms, p95 {p['p95_ms']:.1f} ms, "
          f"queries per profile {p['queries']}")


if __name__ == "__main__":
    main()
