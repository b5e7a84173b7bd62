#!/usr/bin/env bash
# bench/delete_index.sh: the measurement of issue #18 item 1, in one command. With
# load.disable_indexes on (the default) replicad dropped the target's index on the
# date column before a load, so each month's range DELETE scanned the whole table.
# This script fills a target with --rows rows over --months months and an index on
# sale_date, then times a 3-month backfill (`replicad run sales --from … --to …
# --json`, load.disable_indexes true) that deletes and re-loads 3 of those months,
# alternating two binaries in the same session: this checkout's (keeps the date
# index) and the one of commit --base (drops it). Pairs PostgreSQL → MariaDB (what
# the issue saw) and PostgreSQL → PostgreSQL. Reports per run the DELETE milliseconds
# (sum over the 3 partitions, from the JSON account) and the process seconds, the
# median of --repeat runs, and writes Markdown to bench/results-<date>-delete-index.md.
#
#   bench/delete_index.sh [options]       (as root on Debian 12, like bench/run.sh)
#
# Options:
#   --rows N         rows in source and target (default 1000000)
#   --months M       months they are spread over, from 2021-01-01 (default 36)
#   --repeat K       rounds; a round runs both binaries, the order alternating
#                    from round to round (default 3)
#   --base REV       the "before" commit (default 2b21643): exported with git archive
#                    into --base-dir and built there with meson and ninja, unless
#                    --base-bin is given or the build is already there
#   --base-dir DIR   where (default ${TMPDIR:-/tmp}/replicad-base-REV)
#   --base-bin PATH  the "before" binary, already built
#   --replicad PATH  the "after" binary (default build/daemon/replicad, built here)
#   --out FILE       Markdown file (default bench/results-<date>-delete-index.md)
#   --timeout SEC    limit of one run (default 600)
#
# The table is narrow (id, sale_date, amount, note: ~100 bytes a row) and made with
# plain SQL (generate_series, MariaDB's sequence engine), identical in source and
# target, so the copy is cheap and the DELETE's plan is what the run measures. The
# servers are throw-away ones of tests/harness/with-servers unless RPL_TEST_* are set.
# Exit status: 0 every run done and the target whole (rows and index) after it; 1 not;
# 2 bad usage.
# shellcheck disable=SC2317  # cleanup runs from a trap
set -euo pipefail

prog=delete_index
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }
usage() { sed -n '2,/^# shellcheck/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

ROWS=1000000 MONTHS=36 REPEAT=3 BASE=2b21643 BASE_DIR="" BASE_BIN="" REPLICAD="" OUT="" TIMEOUT=600
ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
    case $1 in
        --rows) ROWS=${2:?}; shift ;;
        --months) MONTHS=${2:?}; shift ;;
        --repeat) REPEAT=${2:?}; shift ;;
        --base) BASE=${2:?}; shift ;;
        --base-dir) BASE_DIR=${2:?}; shift ;;
        --base-bin) BASE_BIN=${2:?}; shift ;;
        --replicad) REPLICAD=${2:?}; shift ;;
        --out) OUT=${2:?}; shift ;;
        --timeout) TIMEOUT=${2:?}; shift ;;
        -h|--help) usage ;;
        *) echo "$prog: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
for v in ROWS REPEAT TIMEOUT; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "$prog: --${v,,}: a positive integer, got '${!v}'" >&2; exit 2; }
done
# the backfill takes months 16-18: at least 18 months, so 3 whole months are re-loaded
if ! [[ "$MONTHS" =~ ^[0-9]+$ ]] || [ "$MONTHS" -lt 18 ]; then
    echo "$prog: --months: a whole number of at least 18, got '$MONTHS'" >&2; exit 2
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# ------------------------------------------------------ outside the servers ----

build_base() { # the "before" binary: git archive of $BASE, meson, ninja
    local dir=${BASE_DIR:-${TMPDIR:-/tmp}/replicad-base-$BASE}
    BASE_BIN=$dir/build/daemon/replicad
    [ -x "$BASE_BIN" ] && { say "before: reusing $BASE_BIN"; return 0; }
    git -C "$root" rev-parse --verify -q "$BASE^{commit}" >/dev/null || die "--base: no commit '$BASE' in $root"
    say "before: building commit $BASE in $dir"
    mkdir -p "$dir"
    git -C "$root" archive "$BASE" | tar -x -C "$dir" || die "git archive $BASE into $dir failed"
    (cd "$dir" && meson setup build >&2 && ninja -C build >&2) || die "building commit $BASE in $dir failed"
}

if [ -z "${RPL_BENCH_INNER:-}" ]; then
    if [ -z "$REPLICAD" ]; then
        REPLICAD=$root/build/daemon/replicad
        [ -f build/build.ninja ] || meson setup build >&2 || die "meson setup build"
        ninja -C build >&2 || die "ninja -C build failed"
    fi
    [ -n "$BASE_BIN" ] || build_base
    [ -x "$REPLICAD" ] || die "no replicad binary at $REPLICAD"
    [ -x "$BASE_BIN" ] || die "no replicad binary at $BASE_BIN"
    export RPL_BENCH_INNER=1 RPL_BENCH_AFTER=$REPLICAD RPL_BENCH_BEFORE=$BASE_BIN
    if [ -z "${RPL_TEST_PG_SRC:-}" ] || [ -z "${RPL_TEST_MARIADB_DST:-}" ]; then
        exec "$root/tests/harness/with-servers" "$0" "${ORIG_ARGS[@]}"
    fi
fi

# ------------------------------------------------------- inside: the bench ----

unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGOPTIONS \
      MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD 2>/dev/null || true
for v in RPL_TEST_PG_SRC RPL_TEST_PG_DST RPL_TEST_PG_PORT RPL_TEST_MARIADB_DST RPL_TEST_MARIADB_PORT \
         RPL_TEST_PASSWORD ODBCSYSINI RPL_BENCH_AFTER RPL_BENCH_BEFORE; do
    [ -n "${!v:-}" ] || die "$v is not set (run under tests/harness/with-servers)"
done
PSQL=${RPL_TEST_PSQL:-psql}
MARIADB=${RPL_TEST_MARIADB_CLIENT:-mariadb}
t_start=$(now)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d "${TMPDIR:-/tmp}/rpl-delidx.XXXXXX")
KEEP=0
cleanup() {
    if [ "$KEEP" -eq 1 ]; then say "work files kept in $work"; else rm -rf -- "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$work/runs"
cp "$RPL_BENCH_AFTER" "$work/after"
cp "$RPL_BENCH_BEFORE" "$work/before"
printf '%s' "$RPL_TEST_PASSWORD" >"$work/password"
chmod 600 "$work/password"

db_of() { sed -n 's/.*[Dd]atabase=\([^;]*\).*/\1/p' <<<"$1"; }
PG_SRC_DB=$(db_of "$RPL_TEST_PG_SRC") PG_DST_DB=$(db_of "$RPL_TEST_PG_DST") MY_DST_DB=$(db_of "$RPL_TEST_MARIADB_DST")

pg() { # pg DB ARGS...: as user replicad over TCP, the password in the client's environment only
    local db=$1; shift
    PGPASSWORD=$RPL_TEST_PASSWORD PGOPTIONS='-c client_min_messages=warning' "$PSQL" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$RPL_TEST_PG_PORT" -U replicad -d "$db" "$@"
}
my() { # my ARGS...: the MariaDB target database
    MYSQL_PWD=$RPL_TEST_PASSWORD "$MARIADB" --no-defaults --protocol=TCP -h 127.0.0.1 \
        -P "$RPL_TEST_MARIADB_PORT" -u replicad "$@" "$MY_DST_DB"
}
pg_checkpoint() { # flush PostgreSQL's dirty buffers between runs (superuser, socket)
    [ -n "${RPL_TEST_PG_SOCKET_DIR:-}" ] || return 0
    "$PSQL" -X -q -h "$RPL_TEST_PG_SOCKET_DIR" -p "$RPL_TEST_PG_PORT" -U postgres -d postgres \
        -c CHECKPOINT >/dev/null 2>&1 || true
}

# Rows spread evenly over DAYS days from 2021-01-01, ids in date order; the same
# values from both engines (md5 of the id as text on both).
FIRST=2021-01-01
END=$(date -u -d "$FIRST + $MONTHS months" +%F)
DAYS=$(( ($(date -u -d "$END" +%s) - $(date -u -d "$FIRST" +%s)) / 86400 ))
FROM=$(date -u -d "$FIRST + 15 months" +%F)
TO=$(date -u -d "$FIRST + 18 months - 1 day" +%F)
PG_FILL="INSERT INTO sales SELECT g, date '$FIRST' + ((g - 1) * $DAYS / $ROWS)::int,
    (g % 100000) / 100.0, md5(g::text) || md5((g + 1)::text) FROM generate_series(1::bigint, $ROWS) g"
MY_FILL="INSERT INTO sales SELECT seq, DATE '$FIRST' + INTERVAL ((seq - 1) * $DAYS DIV $ROWS) DAY,
    (seq % 100000) / 100, CONCAT(md5(seq), md5(seq + 1)) FROM seq_1_to_$ROWS"
COLS="id bigint PRIMARY KEY, sale_date date NOT NULL, amount numeric(12,2) NOT NULL, note varchar(64) NOT NULL"

load_tables() { # source (PostgreSQL) and both targets, each with the index on sale_date
    local t pids=() rc=0 p
    t=$(now)
    say "loading $ROWS rows over $MONTHS months ($FIRST to $END) into the source and both targets"
    for db in "$PG_SRC_DB" "$PG_DST_DB"; do
        pg "$db" -c "DROP TABLE IF EXISTS sales" -c "CREATE TABLE sales ($COLS)" -c "$PG_FILL" \
            -c "CREATE INDEX sales_date ON sales (sale_date)" -c "VACUUM (ANALYZE) sales" >"$work/load-$db.log" 2>&1 &
        pids+=($!)
    done
    my -e "DROP TABLE IF EXISTS sales; CREATE TABLE sales ($COLS) ENGINE=InnoDB; $MY_FILL;
           CREATE INDEX sales_date ON sales (sale_date); ANALYZE TABLE sales;" >"$work/load-mariadb.log" 2>&1 &
    pids+=($!)
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    [ "$rc" -eq 0 ] || { tail -n 5 "$work"/load-*.log >&2; die "loading the tables failed (logs above)"; }
    pg_checkpoint
    say "  loaded in $(elapsed "$t") s"
}

config() { # config PAIR WHICH: $work/PAIR.WHICH.json; a state_dir per binary, as the
    # ledger's format differs between the two commits
    local cfg=$work/$1.$2.json dst
    case $1 in pg-pg) dst=$RPL_TEST_PG_DST ;; pg-mariadb) dst=$RPL_TEST_MARIADB_DST ;; esac
    "$PY" - "$cfg" "$RPL_TEST_PG_SRC" "$dst" "$work" <<'EOF'
import json, sys
cfg, src, dst, work = sys.argv[1:]
side = lambda conn: {"odbc": conn, "password_file": work + "/password"}
json.dump({"source": side(src), "target": side(dst),
           "tables": [{"name": "sales", "date_column": "sale_date"}],
           "load": {"disable_indexes": True},
           "state_dir": work + "/state-" + cfg.rsplit("/", 1)[1], "socket": work + "/replicad.sock"},
          open(cfg, "w"), indent=2)
EOF
    mkdir -p "$work/state-$1.$2.json"
}

target_state() { # target_state PAIR: "ROWS INDEXED" of the target (INDEXED 1 when sales_date exists)
    case $1 in
        pg-pg) pg "$PG_DST_DB" -A -t -F ' ' -c "SELECT (SELECT count(*) FROM sales),
                   (SELECT count(*) FROM pg_indexes WHERE tablename = 'sales' AND indexname = 'sales_date')" ;;
        pg-mariadb) my -N -B -e "SELECT (SELECT count(*) FROM sales), (SELECT count(DISTINCT INDEX_NAME)
                   FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sales'
                   AND INDEX_NAME = 'sales_date')" | tr '\t' ' ' ;;
    esac
}

# timed_run PAIR ROUND WHICH: one backfill with binary WHICH (after|before); a line of
# runs.tsv: pair round which rc seconds DELETE-ms(sum) per-partition DELETE ms,
# DISABLE_IDX INSERT REBUILD_IDX ms, rows and index of the target afterwards
timed_run() {
    local pair=$1 n=$2 which=$3 id="$1.$3.$2" t0 rc=0 secs acct state
    pg_checkpoint
    t0=$(now)
    timeout --kill-after=10 "$TIMEOUT" "$work/$which" -c "$work/$pair.$which.json" run sales --from "$FROM" --to "$TO" --json \
        >"$work/runs/$id.out" 2>"$work/runs/$id.err" || rc=$?
    secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
    acct=$("$PY" - "$work/runs/$id.out" <<'EOF'
import json, sys
try:
    ps = json.load(open(sys.argv[1])).get("partitions", [])
except ValueError:
    ps = []
tot = lambda k: sum(int(p.get("ms", {}).get(k, 0)) for p in ps)
print(len(ps), tot("DELETE"), "/".join(str(p.get("ms", {}).get("DELETE", "-")) for p in ps) or "-",
      tot("DISABLE_IDX"), tot("INSERT"), tot("REBUILD_IDX"),
      sum(int(p.get("rows_written", 0)) for p in ps))
EOF
)
    state=$(target_state "$pair")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$pair" "$n" "$which" "$rc" "$secs" "${acct// /$'\t'}	${state// /$'\t'}" \
        >>"$work/runs.tsv"
    read -r _ del parts _ _ rebuild written <<<"$acct"
    say "  $pair round $n $which: exit $rc, $secs s, DELETE $del ms ($parts), REBUILD_IDX $rebuild ms, $written rows written; target now: $state (rows, date index)"
    if [ "$rc" -ne 0 ] || [ "$state" != "$ROWS 1" ]; then
        FAILED=1 KEEP=1
        say "  not done or the target is not whole: $work/runs/$id.{out,err}"
        grep -v '^progress ' "$work/runs/$id.err" | tail -n 3 >&2 || true
    fi
}

dry_runs() { # what each binary's dry run says about the indexes (one line each)
    local pair=$1 which
    for which in after before; do
        "$work/$which" -c "$work/$pair.$which.json" run sales --from "$FROM" --to "$TO" --dry-run >"$work/dry.$pair.$which" 2>&1 || true
        printf '%s\t%s\t%s\n' "$pair" "$which" \
            "$("$PY" -c 'import re, sys
t = re.sub(r"\n--\s*", " ", open(sys.argv[1]).read())   # notes wrap onto "-- " lines
print(" ".join(re.findall(r"\((?:indexes whose first column|run on the target: it lists)[^)]*\)", t)))' \
               "$work/dry.$pair.$which")" >>"$work/dry.tsv"
    done
}

# ------------------------------------------------------------------- main ----

FAILED=0
: >"$work/runs.tsv"
: >"$work/dry.tsv"
say "work directory $work; after $RPL_BENCH_AFTER, before $RPL_BENCH_BEFORE; backfill $FROM to $TO; repeat $REPEAT"
load_tables
for pair in pg-mariadb pg-pg; do
    config "$pair" after
    config "$pair" before
    dry_runs "$pair"
    say "$pair"
    for ((i = 1; i <= REPEAT; i++)); do
        # the order alternates: a drift of the machine's speed hits both binaries
        if ((i % 2)); then order=(after before); else order=(before after); fi
        for which in "${order[@]}"; do timed_run "$pair" "$i" "$which"; done
    done
done

# ----------------------------------------------------------------- report ----

[ -n "$OUT" ] || OUT=$root/bench/results-$(date +%Y-%m-%d)-delete-index.md
after_v=$("$work/after" --version 2>&1 | head -n 1)
before_v=$("$work/before" --version 2>&1 | head -n 1)
"$PY" - "$work/runs.tsv" "$work/dry.tsv" "$OUT" <<EOF
import statistics, sys
runs = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
dry = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()]
names = {"pg-mariadb": "PostgreSQL → MariaDB", "pg-pg": "PostgreSQL → PostgreSQL"}
# what a binary does with the index, by its own dry run
keeps = lambda w: any(d[1] == w and "are kept" in d[2] for d in dry)
label = {w: "%s (%s)" % ("after" if w == "after" else "before, commit $BASE",
                         "keeps the date index" if keeps(w) else "drops the date index") for w in ("after", "before")}
o = ["# Issue #18 item 1: the range DELETE and the date index ($(date -u '+%Y-%m-%d %H:%M UTC'))", "",
     "- command: \`bench/delete_index.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}\` ($(elapsed "$t_start") s inside the servers)",
     "- after: $RPL_BENCH_AFTER ($after_v, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))",
     "- before: $RPL_BENCH_BEFORE ($before_v, commit $BASE)",
     "- data: $ROWS rows (id, sale_date, amount, note; ~100 bytes) over $MONTHS months from $FIRST, the same in the "
     "PostgreSQL source and the target, with CREATE INDEX sales_date ON sales (sale_date) on the target",
     "- run: \`replicad run sales --from $FROM --to $TO --json\` (3 monthly partitions, %d rows re-loaded), "
     "load.disable_indexes true, the other load keys default" % (int(runs[0][11]) if runs else 0),
     "- machine: $(nproc) vCPU, $(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo) GiB RAM, "
     "load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the machine adds noise); servers "
     "PostgreSQL ${RPL_TEST_PG_VERSION:-?}, MariaDB ${RPL_TEST_MARIADB_VERSION%%-*} on 127.0.0.1 sharing the cores",
     ""]
for pair in ("pg-mariadb", "pg-pg"):
    rs = [r for r in runs if r[0] == pair]
    if not rs:
        continue
    o += ["## %s" % names[pair], "", "| round | binary | exit | seconds | DELETE ms (sum) | DELETE ms per month "
          "| DISABLE_IDX ms | INSERT ms | REBUILD_IDX ms | target rows, date index after |",
          "|---:|---|---:|---:|---:|---|---:|---:|---:|---|"]
    for r in rs:
        o.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s, %s |" % (r[1], r[2], r[3], r[4], r[6], r[7],
                 r[8], r[9], r[10], r[12], "yes" if r[13] == "1" else "no"))
    o += ["", "| binary | median seconds | median DELETE ms | min-max seconds | min-max DELETE ms |",
          "|---|---:|---:|---|---|"]
    med = {}
    for w in ("after", "before"):
        ok = [r for r in rs if r[2] == w and r[3] == "0"]
        if not ok:
            o.append("| %s | - | - | - | - |" % label[w])
            continue
        s = [float(r[4]) for r in ok]
        d = [int(r[6]) for r in ok]
        med[w] = (statistics.median(s), statistics.median(d))
        o.append("| %s | %.2f | %d | %.2f-%.2f | %d-%d |" % (label[w], med[w][0], med[w][1], min(s), max(s), min(d), max(d)))
    if len(med) == 2 and med["after"][0] > 0 and med["after"][1] > 0:
        o += ["", "before/after: %.1f× the seconds, %.1f× the DELETE ms (medians of %d runs each)."
              % (med["before"][0] / med["after"][0], med["before"][1] / med["after"][1], len(rs) // 2)]
    o.append("")
o += ["Phase ms are each partition's own, from the JSON account; load.workers (default 2) loads two partitions "
      "at once, so a sum of them can exceed the seconds of the process. seconds: the whole process, connections "
      "and index restore included. Median of the runs that exited 0.", ""]
o += ["## What the dry runs say about indexes", ""]
for d in dry:
    o.append("- %s, %s: %s" % (names[d[0]], d[1], d[2] or "(nothing about indexes)"))
open(sys.argv[3], "w").write("\n".join(o) + "\n")
EOF
cp "$work/runs.tsv" "${OUT%.md}.tsv"
cat "$OUT"
say "Markdown: $OUT (runs: ${OUT%.md}.tsv); total $(elapsed "$t_start") s"
[ "$FAILED" -eq 0 ] || { say "FAILED: a run failed or left the target without its rows or its date index"; exit 1; }
exit 0
