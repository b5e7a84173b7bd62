#!/usr/bin/env bash
# bench/verify.sh: the speed of `replicad verify` against the copy it checks (issue #17:
# verifying a range costs at most 0.7 x copying it). Loads bench/run.sh's sales table
# (bench/gen_sales.py, shapes seed and wide) into SQLite, PostgreSQL and MariaDB, then
# per pair and round: `replicad run sales --full --json` (the copy, into a target
# replicad creates) and at once `replicad verify sales --full --json` of the same
# table, each timed with its peak RSS and replicad's own CPU under /usr/bin/time. A
# verify that does not find the copy equal is a failure. Prints a table per shape
# (copy s, verify s, verify/copy, peak RSS and CPU of each) with the medians, and
# writes it as Markdown. On a machine whose servers share replicad's cores both
# commands are bound by the CPU of all three (docs/benchmarks.md): the CPU columns
# show replicad's share.
#
#   bench/verify.sh [--rows N] [--shape seed|wide|both] [--pairs LIST] [--repeat K]
#                   [--out FILE] [--replicad PATH] [--baseline PATH] [--keep]
#
#   --rows N       rows of the sales table (default 100000)
#   --shape S      seed, wide or both (default both)
#   --pairs LIST   comma list of sqlite-sqlite,pg-pg,mariadb-mariadb,pg-mariadb,mariadb-pg
#                  (default all five)
#   --repeat K     rounds of copy + verify per pair; medians reported (default 3)
#   --out FILE     Markdown file (default bench/results-<date>-verify.md)
#   --replicad P   the binary (default build/daemon/replicad, copied to the work directory)
#   --baseline P   another binary (say, an older commit's) whose verify of the same copy is
#                  timed too in each round, just after the first's, so before and after
#                  are measured back to back under the same load; its columns are added
#   --keep         keep the work directory
# Runs under tests/harness/with-servers when RPL_TEST_* are not set. Needs python3,
# sqlite3 and /usr/bin/time (package time). Exit 0 when every verify found its copy
# equal, 1 otherwise, 2 bad usage.
# shellcheck disable=SC2317  # cleanup runs from a trap
set -euo pipefail

prog="bench-verify"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
bench=$root/bench
say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }
now() { date +%s.%N; }

ALL_PAIRS=sqlite-sqlite,pg-pg,mariadb-mariadb,pg-mariadb,mariadb-pg
ROWS=100000 SHAPE=both PAIRS=$ALL_PAIRS REPEAT=3 OUT="" REPLICAD="" BASELINE="" KEEP=0
ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
    case $1 in
        --rows) ROWS=${2:?}; shift ;;
        --shape) SHAPE=${2:?}; shift ;;
        --pairs) PAIRS=${2:?}; shift ;;
        --repeat) REPEAT=${2:?}; shift ;;
        --out) OUT=${2:?}; shift ;;
        --replicad) REPLICAD=${2:?}; shift ;;
        --baseline) BASELINE=${2:?}; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,/^# shellcheck/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
        *) echo "$prog: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || { echo "$prog: --rows: a positive integer" >&2; exit 2; }
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "$prog: --repeat: a positive integer" >&2; exit 2; }
case $SHAPE in seed|wide) SHAPES=("$SHAPE") ;; both) SHAPES=(seed wide) ;;
    *) echo "$prog: --shape: seed, wide or both" >&2; exit 2 ;; esac
IFS=, read -r -a PAIR_LIST <<<"$PAIRS"
for p in "${PAIR_LIST[@]}"; do
    [[ ",$ALL_PAIRS," == *",$p,"* ]] || { echo "$prog: --pairs: unknown pair '$p'" >&2; exit 2; }
done
REPLICAD=${REPLICAD:-$root/build/daemon/replicad}
[ -x "$REPLICAD" ] || die "no replicad binary at $REPLICAD (ninja -C build, or --replicad PATH)"
REPLICAD=$(cd "$(dirname "$REPLICAD")" && pwd -P)/$(basename "$REPLICAD")
if [ -n "$BASELINE" ]; then
    [ -x "$BASELINE" ] || die "--baseline: no binary at $BASELINE"
    BASELINE=$(cd "$(dirname "$BASELINE")" && pwd -P)/$(basename "$BASELINE")
fi
if [ -z "${RPL_TEST_PG_SRC:-}" ] || [ -z "${RPL_TEST_MARIADB_SRC:-}" ]; then
    exec "$root/tests/harness/with-servers" "$0" "${ORIG_ARGS[@]}" --replicad "$REPLICAD"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time not found (package time)"
PSQL=${RPL_TEST_PSQL:-psql}
MARIADB=${RPL_TEST_MARIADB_CLIENT:-mariadb}
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD MYSQL_PWD 2>/dev/null || true

work=$(mktemp -d "${TMPDIR:-/tmp}/rpl-bench-verify.XXXXXX")
cleanup() { [ "$KEEP" -eq 1 ] || rm -rf -- "$work"; }
trap cleanup EXIT
mkdir -p "$work/state" "$work/runs"
cp "$REPLICAD" "$work/replicad"
[ -z "$BASELINE" ] || cp "$BASELINE" "$work/baseline"
printf '%s' "$RPL_TEST_PASSWORD" >"$work/password"
chmod 600 "$work/password"

db_of() { sed -n 's/.*[Dd]atabase=\([^;]*\).*/\1/p' <<<"$1"; }
PG_SRC_DB=$(db_of "$RPL_TEST_PG_SRC") PG_DST_DB=$(db_of "$RPL_TEST_PG_DST")
MY_SRC_DB=$(db_of "$RPL_TEST_MARIADB_SRC") MY_DST_DB=$(db_of "$RPL_TEST_MARIADB_DST")
pg() { local db=$1; shift; PGPASSWORD=$RPL_TEST_PASSWORD "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$RPL_TEST_PG_PORT" -U replicad -d "$db" "$@"; }
my() { local db=$1; shift; MYSQL_PWD=$RPL_TEST_PASSWORD "$MARIADB" --no-defaults --protocol=TCP -h 127.0.0.1 \
    -P "$RPL_TEST_MARIADB_PORT" -u replicad --default-character-set=utf8mb4 "$@" "$db"; }
gen() { python3 "$bench/gen_sales.py" --shape "$shape" --seed 1 "$@"; }
odbc_of() {
    case $1-$2 in
        sqlite-src) echo "Driver=SQLite3;Database=$work/src.db" ;; sqlite-dst) echo "Driver=SQLite3;Database=$work/dst.db" ;;
        pg-src) echo "$RPL_TEST_PG_SRC" ;; pg-dst) echo "$RPL_TEST_PG_DST" ;;
        mariadb-src) echo "$RPL_TEST_MARIADB_SRC" ;; mariadb-dst) echo "$RPL_TEST_MARIADB_DST" ;;
    esac
}
drop_target() {
    case $1 in
        sqlite) rm -f -- "$work/dst.db" "$work/dst.db-journal" ;;
        pg) pg "$PG_DST_DB" -c 'DROP TABLE IF EXISTS sales' 2>/dev/null ;;
        mariadb) my "$MY_DST_DB" -e 'DROP TABLE IF EXISTS sales' ;;
    esac
}
load_sources() {
    say "shape $shape: loading $ROWS rows into SQLite, PostgreSQL and MariaDB"
    rm -f -- "$work/src.db"
    gen --engine sqlite --rows "$ROWS" | sqlite3 -bail -batch "$work/src.db"
    gen --engine postgresql --rows "$ROWS" --drop | pg "$PG_SRC_DB" >/dev/null
    pg "$PG_SRC_DB" -c 'VACUUM (ANALYZE) sales' >/dev/null
    gen --engine mariadb --rows "$ROWS" --drop | my "$MY_SRC_DB"
}
# timed ID CMD...: sets SECS, RSS_KB, CPU (replicad's user + system seconds) and RC
timed() {
    local id=$1 t0; shift
    t0=$(now)
    RC=0
    /usr/bin/time -f '%M %U %S' -o "$work/runs/$id.rss" "$@" >"$work/runs/$id.out" 2>"$work/runs/$id.err" || RC=$?
    SECS=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
    RSS_KB=$(grep -E '^[0-9]+ ' "$work/runs/$id.rss" | tail -n 1 | cut -d' ' -f1 || echo 0)
    CPU=$(grep -E '^[0-9]+ ' "$work/runs/$id.rss" | tail -n 1 | awk '{ printf "%.2f", $2 + $3 }' || echo 0)
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

FAILED=0
results=$work/results.tsv
for shape in "${SHAPES[@]}"; do
    load_sources
    for pair in "${PAIR_LIST[@]}"; do
        s=${pair%-*} d=${pair#*-}
        cfg=$work/runs/$shape.$pair.json
        python3 - "$cfg" "$(odbc_of "$s" src)" "$(odbc_of "$d" dst)" "$work" "$s" "$d" <<'EOF'
import json, sys
cfg, src, dst, work, s, d = sys.argv[1:]
side = lambda conn, eng: dict({"odbc": conn}, **({} if eng == "sqlite" else {"password_file": work + "/password"}))
json.dump({"source": side(src, s), "target": side(dst, d),
           "tables": [{"name": "sales", "date_column": "sale_date"}],
           "load": {"create_missing_tables": True}, "state_dir": work + "/state"}, open(cfg, "w"), indent=2)
EOF
        for ((i = 1; i <= REPEAT; i++)); do
            drop_target "$d"
            timed "$shape.$pair.copy.$i" "$work/replicad" -c "$cfg" run sales --full --json
            [ "$RC" -eq 0 ] || { say "copy $pair failed (exit $RC): $(tail -n 2 "$work/runs/$shape.$pair.copy.$i.err")"; FAILED=1; continue; }
            c_s=$SECS c_rss=$RSS_KB c_cpu=$CPU
            timed "$shape.$pair.verify.$i" "$work/replicad" -c "$cfg" verify sales --full --json
            [ "$RC" -eq 0 ] || { say "verify $pair: exit $RC (want 0, equal): $(head -c 600 "$work/runs/$shape.$pair.verify.$i.out")"; FAILED=1; }
            v_s=$SECS v_rss=$RSS_KB v_cpu=$CPU b_s=""
            if [ -n "$BASELINE" ]; then
                timed "$shape.$pair.baseline.$i" "$work/baseline" -c "$cfg" verify sales --full --json
                [ "$RC" -eq 0 ] || { say "baseline verify $pair: exit $RC (want 0, equal)"; FAILED=1; }
                b_s=$SECS
            fi
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$shape" "$pair" "$i" "$c_s" "$v_s" "$c_rss" "$v_rss" "$b_s" \
                "$c_cpu" "$v_cpu" >>"$results"
            say "  $shape $pair round $i: copy $c_s s ($((c_rss / 1024)) MiB, replicad CPU $c_cpu s), verify $v_s s ($((v_rss / 1024)) MiB, CPU $v_cpu s)${b_s:+, baseline verify $b_s s}"
        done
    done
done

date_s=$(date +%Y-%m-%d)
OUT=${OUT:-$bench/results-$date_s-verify.md}
{
    echo "# verify against copy, $date_s"
    echo
    echo "bench/verify.sh --rows $ROWS --repeat $REPEAT${BASELINE:+ --baseline $(basename "$BASELINE")}; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
    echo "replicad $("$work/replicad" --version | cut -d' ' -f2). Medians of $REPEAT rounds; each round copies the table"
    echo "(\`run --full\`, target created) and verifies it at once (\`verify --full\`). RSS: peak, /usr/bin/time;"
    echo "CPU: replicad's own user + system seconds (the servers' are not in it)."
    for shape in "${SHAPES[@]}"; do
        echo
        echo "## shape $shape"
        echo
        echo "| pair | copy s | verify s | verify / copy | copy RSS MiB | verify RSS MiB | copy CPU s | verify CPU s |${BASELINE:+ baseline verify s | baseline / copy |}"
        echo "|---|---|---|---|---|---|---|---|${BASELINE:+---|---|}"
        for pair in "${PAIR_LIST[@]}"; do
            sel() { awk -F'\t' -v s="$shape" -v p="$pair" -v c="$1" '$1 == s && $2 == p && $c != "" { print $c }' "$results" | median; }
            c=$(sel 4) v=$(sel 5) cr=$(sel 6) vr=$(sel 7) cc=$(sel 9) vc=$(sel 10) b=""
            [ -z "$BASELINE" ] || b=$(sel 8)   # the median of no rows prints 0: no baseline, no columns
            [ -n "$c" ] || { echo "| $pair | failed | | | | | | |"; continue; }
            awk -v p="$pair" -v c="$c" -v v="$v" -v cr="$cr" -v vr="$vr" -v cc="$cc" -v vc="$vc" -v b="$b" \
                'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.0f | %.0f | %.2f | %.2f |", p, c, v, v / c, cr / 1024, vr / 1024, cc, vc
                         if (b != "") printf " %.2f | %.2f |", b, b / c
                         printf "\n" }'
        done
    done
} >"$OUT"
cat "$OUT"
say "written to $OUT"
exit "$FAILED"
