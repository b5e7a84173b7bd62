#!/usr/bin/env bash
# bench/run.sh: the benchmark of issue #8, in one command. Prepares the 184-column
# sales table (bench/gen_sales.py) in SQLite, PostgreSQL and MariaDB, copies it with
# `replicad run sales --full --json` for SQLite→SQLite, PostgreSQL→PostgreSQL,
# MariaDB→MariaDB, PostgreSQL→MariaDB and MariaDB→PostgreSQL, checks every copy value
# by value (bench/compare.py), and measures beside it, on the same data in the same
# session, each engine's native bulk copy and the legacy pyodbc script
# (bench/pyodbc_copy.py). Prints a table per shape (rows/s, MB/s, peak RSS, seconds,
# exact) with the ratios replicad/native and replicad/pyodbc, and writes the same as
# Markdown to bench/results-<date>.md.
#
#   bench/run.sh [--rows N] [--shape seed|wide|both] [options]     (as root, Debian 12)
#
# Options:
#   --rows N             rows of the sales table (default 100000)
#   --shape S            seed, wide or both (default both)
#   --null-pct P         percent NULLs in nullable columns (gen_sales.py; default 5)
#   --pairs LIST         comma list of sqlite-sqlite,pg-pg,mariadb-mariadb,pg-mariadb,
#                        mariadb-pg (default all five)
#   --repeat K           rounds of timed runs: replicad, then each native copy of the
#                        pair; the median by seconds is reported (default 3)
#   --pyodbc-repeat K    timed runs of the pyodbc script (default 1; it is slow)
#   --no-pyodbc, --no-native   leave those references out
#   --check-refs all|first|none  check the references' copies too: every run, the first
#                        run that succeeded (default), or none. replicad's copies are
#                        always checked, every run.
#   --load JSON          extra keys for replicad's "load" object, e.g. '{"chunk_bytes":"8MiB"}'
#   --timeout SEC        limit of one timed run (default 1800)
#   --out FILE           Markdown file (default bench/results-<date>.md, or
#                        results-<date>-<HHMM>.md when that exists)
#   --env FILE           use running servers described by a servers.sh env file
#                        (default: reuse RPL_TEST_* from the environment, else start
#                        throw-away servers with tests/harness/with-servers)
#   --replicad PATH      the replicad binary (default build/daemon/replicad); it is
#                        copied to the work directory first, so a rebuild during the
#                        run cannot change it
#   --label TEXT         what that binary is (e.g. "commit 639b042"), for the report
#   --no-install         do not run tools/install-deps.sh or apt-get
#   --no-build           do not run meson/ninja
#   --workdir DIR        work files there (default a new directory under $TMPDIR or
#                        /tmp, removed at the end); --keep keeps it
#
# Installs (as root): tools/install-deps.sh, then python3-pyodbc, time and mydumper from
# Debian (mydumper/myloader 0.10 are in Debian 12; where apt has no candidate the
# MariaDB reference is mariadb-dump | mariadb alone, and the output says so).
# Exit status: 0 when every replicad copy was done and equal to its source; 1 when a
# replicad run failed or a copy differs (the tables name it); 2 bad usage.
# shellcheck disable=SC2016,SC2317  # bash -c scripts take $1.. ; cleanup runs from a trap
set -euo pipefail

prog=bench
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
bench=$root/bench
cd "$root"

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }
usage() { sed -n '2,/^# shellcheck/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

ALL_PAIRS=sqlite-sqlite,pg-pg,mariadb-mariadb,pg-mariadb,mariadb-pg
ROWS=100000 SHAPE=both NULL_PCT=5 PAIRS=$ALL_PAIRS REPEAT=3 PY_REPEAT=1 DO_PYODBC=1 DO_NATIVE=1
CHECK_REFS=first LOAD_JSON='{}' TIMEOUT=1800 OUT="" ENVFILE="" REPLICAD="" INSTALL=1 BUILD=1
WORKDIR="" KEEP=0 LABEL=""
ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
    case $1 in
        --rows) ROWS=${2:?}; shift ;;
        --shape) SHAPE=${2:?}; shift ;;
        --null-pct) NULL_PCT=${2:?}; shift ;;
        --pairs) PAIRS=${2:?}; shift ;;
        --repeat) REPEAT=${2:?}; shift ;;
        --pyodbc-repeat) PY_REPEAT=${2:?}; shift ;;
        --no-pyodbc) DO_PYODBC=0 ;;
        --no-native) DO_NATIVE=0 ;;
        --check-refs) CHECK_REFS=${2:?}; shift ;;
        --load) LOAD_JSON=${2:?}; shift ;;
        --timeout) TIMEOUT=${2:?}; shift ;;
        --out) OUT=${2:?}; shift ;;
        --env) ENVFILE=${2:?}; shift ;;
        --replicad) REPLICAD=${2:?}; shift ;;
        --label) LABEL=${2:?}; shift ;;
        --no-install) INSTALL=0 ;;
        --no-build) BUILD=0 ;;
        --workdir) WORKDIR=${2:?}; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) usage ;;
        *) echo "$prog: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || { echo "$prog: --rows: a positive integer, got '$ROWS'" >&2; exit 2; }
case $SHAPE in seed|wide) SHAPES=("$SHAPE") ;; both) SHAPES=(seed wide) ;;
    *) echo "$prog: --shape: seed, wide or both, got '$SHAPE'" >&2; exit 2 ;; esac
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "$prog: --repeat: a positive integer" >&2; exit 2; }
[[ "$PY_REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "$prog: --pyodbc-repeat: a positive integer" >&2; exit 2; }
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || { echo "$prog: --timeout: seconds" >&2; exit 2; }
case $CHECK_REFS in all|first|none) ;; *) echo "$prog: --check-refs: all, first or none" >&2; exit 2 ;; esac
IFS=, read -r -a PAIR_LIST <<<"$PAIRS"
for p in "${PAIR_LIST[@]}"; do
    [[ ",$ALL_PAIRS," == *",$p,"* ]] || { echo "$prog: --pairs: unknown pair '$p' (known: $ALL_PAIRS)" >&2; exit 2; }
done
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c "import json,sys; d=json.loads(sys.argv[1]); assert isinstance(d, dict)" "$LOAD_JSON" 2>/dev/null \
    || { echo "$prog: --load: a JSON object, got '$LOAD_JSON'" >&2; exit 2; }

# ------------------------------------------------------ outside the servers ----

if [ -z "${RPL_BENCH_INNER:-}" ]; then
    t=$(now)
    if [ "$INSTALL" -eq 1 ]; then
        tools/install-deps.sh || die "tools/install-deps.sh failed (run as root, or pass --no-install with the packages present)"
        want=(python3-pyodbc time)
        mydumper_candidate=$(LC_ALL=C apt-cache policy mydumper 2>/dev/null | awk '/Candidate:/ { print $2 }')
        if [ -n "$mydumper_candidate" ] && [ "$mydumper_candidate" != "(none)" ]; then
            want+=(mydumper)
        else
            say "mydumper: apt has no candidate for it here; the MariaDB reference is mariadb-dump | mariadb alone"
        fi
        missing=()
        for p in "${want[@]}"; do
            [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
        done
        if [ "${#missing[@]}" -gt 0 ]; then
            if [ "$(id -u)" -ne 0 ]; then
                say "not root: cannot install ${missing[*]}; the references that need them are left out"
            else
                say "installing ${missing[*]}"
                DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
                    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
                         --no-install-recommends "${missing[@]}" >&2; } \
                    || say "apt-get could not install ${missing[*]}; the references that need them are left out"
            fi
        fi
    fi
    if [ -n "$REPLICAD" ]; then
        export RPL_BENCH_GIVEN=1
    else
        REPLICAD=$root/build/daemon/replicad
        if [ "$BUILD" -eq 1 ]; then
            if [ ! -f build/build.ninja ]; then
                if [ -d build ] && [ -n "$(ls -A build 2>/dev/null)" ]; then
                    meson setup --reconfigure build >&2 || die "meson setup --reconfigure build"
                else
                    meson setup build >&2 || die "meson setup build"
                fi
            fi
            ninja -C build >&2 || die "ninja -C build failed"
        fi
    fi
    [ -x "$REPLICAD" ] || die "no replicad binary at $REPLICAD (build it, or give --replicad PATH)"
    RPL_BENCH_PREP_S=$(elapsed "$t")
    export RPL_BENCH_REPLICAD=$REPLICAD RPL_BENCH_INNER=1 RPL_BENCH_PREP_S
    if [ -n "$ENVFILE" ]; then
        # shellcheck source=/dev/null
        . "$ENVFILE"
    fi
    if [ -z "${RPL_TEST_PG_SRC:-}" ] || [ -z "${RPL_TEST_MARIADB_SRC:-}" ]; then
        exec "$root/tests/harness/with-servers" "$bench/run.sh" "${ORIG_ARGS[@]}"
    fi
fi

# ------------------------------------------------------- inside: the bench ----

REPLICAD_SRC=${RPL_BENCH_REPLICAD:-${REPLICAD:-$root/build/daemon/replicad}}
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGOPTIONS \
      MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD 2>/dev/null || true
for v in RPL_TEST_PG_SRC RPL_TEST_PG_DST RPL_TEST_PG_PORT RPL_TEST_MARIADB_SRC RPL_TEST_MARIADB_DST \
         RPL_TEST_MARIADB_PORT RPL_TEST_PASSWORD ODBCSYSINI; do
    [ -n "${!v:-}" ] || die "$v is not set (run under tests/harness/with-servers, or give --env FILE)"
done
PSQL=${RPL_TEST_PSQL:-psql}
MARIADB=${RPL_TEST_MARIADB_CLIENT:-mariadb}
MARIADB_DUMP=$(command -v mariadb-dump || command -v mysqldump || true)
TIME=/usr/bin/time
[ -x "$TIME" ] || die "$TIME not found (package time)"
command -v sqlite3 >/dev/null || die "sqlite3 not found (package sqlite3)"
HAVE_PYODBC=0
"$PY" -c 'import pyodbc' 2>/dev/null && HAVE_PYODBC=1
HAVE_MYDUMPER=0
command -v mydumper >/dev/null && command -v myloader >/dev/null && HAVE_MYDUMPER=1

t_start=$(now)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "$WORKDIR" ]; then
    mkdir -p "$WORKDIR"
    work=$(cd "$WORKDIR" && pwd -P)
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/rpl-bench.XXXXXX")
fi
cleanup() {
    if [ "$KEEP" -eq 0 ] && [ -z "$WORKDIR" ]; then rm -rf -- "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$work/state" "$work/runs"
cp "$REPLICAD_SRC" "$work/replicad"
REPLICAD_BIN=$work/replicad
printf '%s' "$RPL_TEST_PASSWORD" >"$work/password"
chmod 600 "$work/password"
results=$work/results.tsv
printf 'shape\tpair\tmethod\trun\tstatus\trows\tbytes\tseconds\trss_kb\texact\tphases\tnote\n' >"$results"
FAILED=0
declare -A CHECKED=()

db_of() { sed -n 's/.*[Dd]atabase=\([^;]*\).*/\1/p' <<<"$1"; }
PG_SRC_DB=$(db_of "$RPL_TEST_PG_SRC") PG_DST_DB=$(db_of "$RPL_TEST_PG_DST")
MY_SRC_DB=$(db_of "$RPL_TEST_MARIADB_SRC") MY_DST_DB=$(db_of "$RPL_TEST_MARIADB_DST")

# Clients: as user replicad over TCP on 127.0.0.1, like replicad; the password only in
# the environment of the client (never exported to replicad).
pg() { # pg DB ARGS...
    local db=$1; shift
    PGPASSWORD=$RPL_TEST_PASSWORD PGCLIENTENCODING=UTF8 PGOPTIONS='-c client_min_messages=warning' "$PSQL" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$RPL_TEST_PG_PORT" -U replicad -d "$db" "$@"
}
my() { # my DB ARGS...
    local db=$1; shift
    MYSQL_PWD=$RPL_TEST_PASSWORD "$MARIADB" --no-defaults --protocol=TCP -h 127.0.0.1 \
        -P "$RPL_TEST_MARIADB_PORT" -u replicad --default-character-set=utf8mb4 "$@" "$db"
}
pg_checkpoint() { # flush PostgreSQL's dirty buffers between timed runs (superuser, socket)
    [ -n "${RPL_TEST_PG_SOCKET_DIR:-}" ] || return 0
    "$PSQL" -X -q -h "$RPL_TEST_PG_SOCKET_DIR" -p "$RPL_TEST_PG_PORT" -U postgres -d postgres \
        -c CHECKPOINT >/dev/null 2>&1 || true
}
gen() { "$PY" "$bench/gen_sales.py" --shape "$shape" --null-pct "$NULL_PCT" --seed 1 "$@"; }
# the sales DDL of an engine without the secondary index (what replicad creates: the
# primary key only), for the references' pre-created targets
ddl() { gen --engine "$1" --rows 0 --drop | grep -v '^CREATE INDEX'; }

odbc_of() { # odbc_of ENGINE src|dst
    case $1-$2 in
        sqlite-src) echo "Driver=SQLite3;Database=$work/src.db" ;;
        sqlite-dst) echo "Driver=SQLite3;Database=$work/dst.db" ;;
        pg-src) echo "$RPL_TEST_PG_SRC" ;; pg-dst) echo "$RPL_TEST_PG_DST" ;;
        mariadb-src) echo "$RPL_TEST_MARIADB_SRC" ;; mariadb-dst) echo "$RPL_TEST_MARIADB_DST" ;;
    esac
}
spec_of() { # compare.py endpoint
    case $1-$2 in
        sqlite-src) echo "sqlite:$work/src.db" ;; sqlite-dst) echo "sqlite:$work/dst.db" ;;
        pg-src) echo "pg:$PG_SRC_DB" ;; pg-dst) echo "pg:$PG_DST_DB" ;;
        mariadb-src) echo "mariadb:$MY_SRC_DB" ;; mariadb-dst) echo "mariadb:$MY_DST_DB" ;;
    esac
}

drop_target() { # drop_target ENGINE
    case $1 in
        sqlite) rm -f -- "$work/dst.db" "$work/dst.db-journal" "$work/dst.db-wal" "$work/dst.db-shm" ;;
        pg) pg "$PG_DST_DB" -c 'DROP TABLE IF EXISTS sales' 2>/dev/null ;;
        mariadb) my "$MY_DST_DB" -e 'DROP TABLE IF EXISTS sales' ;;
    esac
}
create_target() { # create_target ENGINE: the same DDL as the source, primary key only
    drop_target "$1"
    case $1 in
        sqlite) ddl sqlite | sqlite3 -bail -batch "$work/dst.db" ;;
        pg) ddl postgresql | pg "$PG_DST_DB" >/dev/null ;;
        mariadb) ddl mariadb | my "$MY_DST_DB" ;;
    esac
}

# check SRC DST RUNID: compare.py; sets EXACT ("yes", or "no: ..."); details in runs/
check() {
    local out=$work/runs/$3.compare.json rc=0 t
    t=$(now)
    "$PY" "$bench/compare.py" --shape "$shape" --src "$1" --dst "$2" --examples 5 >"$out" 2>"$out.err" || rc=$?
    case $rc in
        0) EXACT=yes ;;
        1) EXACT=$("$PY" - "$out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
parts = []
if r.get("missing"): parts.append("%d rows missing" % r["missing"])
if r.get("extra"): parts.append("%d extra rows" % r["extra"])
if r.get("rows_differ"):
    v = r.get("values_differ")
    parts.append("%d rows differ%s" % (r["rows_differ"], " (%d values)" % v if v else ""))
cols = sorted(r.get("columns", {}).items(), key=lambda kv: -kv[1])
if cols:
    parts.append("in " + ", ".join(c for c, _ in cols[:4]) + (" …" if len(cols) > 4 else ""))
print("no: " + "; ".join(parts))
EOF
) ;;
        *) EXACT="check failed: $(head -c 200 "$out.err" | tr '\n\t' '  ')" ;;
    esac
    CHECK_S=$(elapsed "$t")
}

# timed RUNID CMD...: run CMD under /usr/bin/time and timeout; sets SECS, RSS_KB, RC
timed() {
    local id=$1; shift
    local t0 t1
    t0=$(now)
    RC=0
    "$TIME" -f %M -o "$work/runs/$id.rss" timeout --kill-after=10 "$TIMEOUT" "$@" \
        >"$work/runs/$id.out" 2>"$work/runs/$id.err" || RC=$?
    t1=$(now)
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    RSS_KB=$(grep -E '^[0-9]+$' "$work/runs/$id.rss" | tail -n 1 || true)
    [ -n "$RSS_KB" ] || RSS_KB=-
}

record() { # record shape pair method run status rows bytes seconds rss exact phases note
    local IFS=$'\t'
    printf '%s\n' "$*" >>"$results"
}

line() { # the one-line summary of a run on stderr
    local rate=-
    if [ "$2" != "-" ] && [ "$3" != "-" ]; then
        rate=$(awk -v r="$2" -v s="$3" 'BEGIN { if (s > 0) printf "%.0f", r / s; else print "-" }')
    fi
    say "  $1: ${2} rows in ${3} s = $rate rows/s, peak RSS $(awk -v k="$4" 'BEGIN { if (k+0 > 0) printf "%.0f MiB", k / 1024; else print "-" }'), exact: $5${CHECK_S:+ (checked in $CHECK_S s)}"
}

# ---------------------------------------------------------------- methods ----

run_replicad() { # run_replicad SRC_ENGINE DST_ENGINE RUN
    local s=$1 d=$2 n=$3
    local id="$shape.$1-$2.replicad.$3" cfg
    cfg=$work/runs/$id.json
    "$PY" - "$cfg" "$(odbc_of "$s" src)" "$(odbc_of "$d" dst)" "$work" "$LOAD_JSON" "$s" "$d" <<'EOF'
import json, sys
cfg, src, dst, work, load, s, d = sys.argv[1:]
side = lambda conn, eng: dict({"odbc": conn}, **({} if eng == "sqlite" else {"password_file": work + "/password"}))
conf = {"source": side(src, s), "target": side(dst, d),
        "tables": [{"name": "sales", "date_column": "sale_date"}],
        "load": dict({"create_missing_tables": True}, **json.loads(load)),
        "state_dir": work + "/state", "socket": work + "/replicad.sock"}
json.dump(conf, open(cfg, "w"), indent=2)
EOF
    drop_target "$d"
    pg_checkpoint
    timed "$id" "$REPLICAD_BIN" -c "$cfg" run sales --full --json
    local acct rows=- bytes=- phases=- status=ok note=""
    acct=$("$PY" "$bench/report.py" account "$work/runs/$id.out")
    read -r rows bytes _ _ phases <<<"$acct"
    if [ "$RC" -ne 0 ]; then
        status=failed
        note="exit $RC: $(grep -v '^progress ' "$work/runs/$id.err" | tail -n 3 | tr '\n\t' '  ' | cut -c1-300)"
        [ "$RC" -eq 124 ] && note="timed out after $TIMEOUT s"
        FAILED=1
    elif [ "$rows" != "$ROWS" ]; then
        status=failed note="wrote $rows rows, expected $ROWS"
        FAILED=1
    fi
    EXACT=- CHECK_S=-
    if [ "$RC" -eq 0 ] || [ "$RC" -eq 3 ]; then
        check "$(spec_of "$s" src)" "$(spec_of "$d" dst)" "$id"
        [ "$EXACT" = yes ] || FAILED=1
    fi
    record "$shape" "$s-$d" replicad "$n" "$status" "$rows" "$bytes" "$SECS" "$RSS_KB" "$EXACT" "$phases" "$note"
    [ "$CHECK_S" = - ] && CHECK_S=""
    line "replicad run $n" "$rows" "$SECS" "$RSS_KB" "$EXACT${note:+ ($note)}"
    if [ "$status" != ok ] || [ "$EXACT" != yes ]; then
        say "  replicad run $n of $s→$d: config $cfg, output $work/runs/$id.{out,err}, comparison $work/runs/$id.compare.json"
        [ -f "$work/runs/$id.compare.json" ] && head -c 2000 "$work/runs/$id.compare.json" >&2 && echo >&2
        KEEP=1
    fi
}

# reference METHOD SRC DST RUN CMD...: pre-created target, timed CMD, optional check
reference() {
    local method=$1 s=$2 d=$3 n=$4; shift 4
    local id="$shape.$s-$d.$method.$n" status=ok note="" rows=$ROWS
    create_target "$d"
    pg_checkpoint
    timed "$id" "$@"
    if [ "$RC" -ne 0 ]; then
        status=failed rows=-
        note="exit $RC: $(tail -n 2 "$work/runs/$id.err" | tr '\n\t' '  ' | cut -c1-200)"
        [ "$RC" -eq 124 ] && note="timed out after $TIMEOUT s"
    fi
    EXACT=- CHECK_S=-
    # --check-refs first: the first run that succeeded
    if [ "$status" = ok ] && { [ "$CHECK_REFS" = all ] \
            || { [ "$CHECK_REFS" = first ] && [ -z "${CHECKED[$shape.$s-$d.$method]:-}" ]; }; }; then
        check "$(spec_of "$s" src)" "$(spec_of "$d" dst)" "$id"
        CHECKED[$shape.$s-$d.$method]=1
    fi
    record "$shape" "$s-$d" "$method" "$n" "$status" "$rows" - "$SECS" "$RSS_KB" "$EXACT" - "$note"
    [ "$CHECK_S" = - ] && CHECK_S=""
    line "$method run $n" "$rows" "$SECS" "$RSS_KB" "$EXACT${note:+ ($note)}"
}

native_pg() { # psql \copy (select …) binary | psql \copy binary
    # COPY (SELECT * FROM sales), not COPY sales: on this machine kind the table form
    # streamed to a client took 6.4-6.6 s for 20,000 seed rows, the query form 0.58-0.64 s
    # (the server writes either to a file in 0.3 s; docs/benchmarks.md, 2026-12-02).
    # The faster of the two is the reference.
    local n=$1
    reference pg-copy pg pg "$n" env PGPASSWORD="$RPL_TEST_PASSWORD" PGCLIENTENCODING=UTF8 bash -c '
        set -o pipefail
        "$1" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$2" -U replicad -d "$3" -c "\\copy (select * from sales) to stdout (format binary)" |
        "$1" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$2" -U replicad -d "$4" -c "\\copy sales from stdin (format binary)"
    ' copy "$PSQL" "$RPL_TEST_PG_PORT" "$PG_SRC_DB" "$PG_DST_DB"
}
native_mariadb_dump() {
    local n=$1
    reference mariadb-dump mariadb mariadb "$n" env MYSQL_PWD="$RPL_TEST_PASSWORD" bash -c '
        set -o pipefail
        "$1" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$3" -u replicad --default-character-set=utf8mb4 \
            --no-create-info --skip-triggers --single-transaction "$4" sales |
        "$2" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$3" -u replicad --default-character-set=utf8mb4 "$5"
    ' dump "$MARIADB_DUMP" "$MARIADB" "$RPL_TEST_MARIADB_PORT" "$MY_SRC_DB" "$MY_DST_DB"
}
native_mydumper() {
    # mydumper 0.10.0 (Debian 12) hangs after dumping when tables are named with
    # -T/--tables-list: select the table with -B and --regex instead. The dump goes to
    # a directory (myloader cannot read a pipe in this version): dump and load are
    # timed together.
    local n=$1 rows_chunk=$(( ROWS / 10 > 1000 ? ROWS / 10 : 1000 ))
    reference mydumper mariadb mariadb "$n" bash -c '
        set -e
        rm -rf -- "$1"
        mydumper -h 127.0.0.1 -P "$2" -u replicad -p "$3" -B "$4" --regex "^$4\\.sales\$" -t 2 -r "$6" \
            --no-schemas --trx-consistency-only -o "$1"
        myloader -h 127.0.0.1 -P "$2" -u replicad -p "$3" -B "$5" -t 2 -d "$1"
        rm -rf -- "$1"
    ' mydumper "$work/mydumper" "$RPL_TEST_MARIADB_PORT" "$RPL_TEST_PASSWORD" "$MY_SRC_DB" "$MY_DST_DB" "$rows_chunk"
}
native_sqlite() {
    local n=$1 src_q=${work//\'/\'\'}/src.db
    reference sqlite-attach sqlite sqlite "$n" sqlite3 -bail -batch "$work/dst.db" \
        "ATTACH '$src_q' AS s; INSERT INTO main.sales SELECT * FROM s.sales;"
}
legacy_pyodbc() { # legacy_pyodbc SRC DST RUN
    local pwopt=()
    [ "$1" = sqlite ] && [ "$2" = sqlite ] || pwopt=(--password-file "$work/password")
    reference pyodbc "$1" "$2" "$3" "$PY" "$bench/pyodbc_copy.py" --src "$(odbc_of "$1" src)" \
        --dst "$(odbc_of "$2" dst)" "${pwopt[@]}"
}

# ------------------------------------------------------------------- data ----

load_sources() { # the three loads run at once (not timed)
    local t pids=() rc=0 p
    say "shape $shape: loading $ROWS rows into SQLite, PostgreSQL and MariaDB (bench/gen_sales.py --shape $shape --null-pct $NULL_PCT)"
    t=$(now)
    rm -f -- "$work/src.db"
    { gen --engine sqlite --rows "$ROWS" | sqlite3 -bail -batch "$work/src.db"; } >"$work/load-sqlite.log" 2>&1 &
    pids+=($!)
    { gen --engine postgresql --rows "$ROWS" --drop | pg "$PG_SRC_DB" >/dev/null \
        && pg "$PG_SRC_DB" -c 'VACUUM (ANALYZE) sales' >/dev/null; } >"$work/load-pg.log" 2>&1 &
    pids+=($!)
    { gen --engine mariadb --rows "$ROWS" --drop | my "$MY_SRC_DB" \
        && my "$MY_SRC_DB" -N -B -e 'ANALYZE TABLE sales' >/dev/null; } >"$work/load-mariadb.log" 2>&1 &
    pids+=($!)
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    if [ "$rc" -ne 0 ]; then
        tail -n 5 "$work"/load-*.log >&2
        die "loading the sources failed (logs above)"
    fi
    pg_checkpoint
    say "  loaded in $(elapsed "$t") s: SQLite $(sqlite3 -readonly "$work/src.db" 'SELECT count(*) FROM sales') rows ($(du -m "$work/src.db" | cut -f1) MB file), PostgreSQL $(pg "$PG_SRC_DB" -A -t -c 'SELECT count(*) FROM sales') rows ($(pg "$PG_SRC_DB" -A -t -c "SELECT pg_total_relation_size('sales') / 1000000") MB with indexes and TOAST), MariaDB $(my "$MY_SRC_DB" -N -B -e 'SELECT count(*) FROM sales') rows"
}

# ------------------------------------------------------------------- main ----

say "work directory $work; replicad $REPLICAD_SRC (copied); rows $ROWS; shapes ${SHAPES[*]}; pairs ${PAIR_LIST[*]}; repeat $REPEAT"
[ "$HAVE_PYODBC" -eq 1 ] || { [ "$DO_PYODBC" -eq 0 ] || say "pyodbc is not importable by $PY (package python3-pyodbc): the pyodbc reference is left out"; DO_PYODBC=0; }
if [ "$HAVE_MYDUMPER" -eq 0 ] && [ "$DO_NATIVE" -eq 1 ]; then
    say "mydumper/myloader not installed (Debian 12 has them as package mydumper): MariaDB's native reference is mariadb-dump | mariadb alone"
fi
[ -n "$MARIADB_DUMP" ] || say "mariadb-dump not found: no mariadb-dump reference"

for shape in "${SHAPES[@]}"; do
    t_shape=$(now)
    load_sources
    for pair in "${PAIR_LIST[@]}"; do
        s=${pair%-*} d=${pair#*-}
        say "shape $shape, $s → $d"
        # Rounds: replicad, then each native copy, K times over. On a shared machine
        # whose speed drifts by tens of percent within minutes, a ratio of runs
        # taken side by side is fairer than one of K runs of each taken apart.
        for ((i = 1; i <= REPEAT; i++)); do
            run_replicad "$s" "$d" "$i"
            if [ "$DO_NATIVE" -eq 1 ] && [ "$s" = "$d" ]; then
                case $s in
                    pg) native_pg "$i" ;;
                    sqlite) native_sqlite "$i" ;;
                    mariadb)
                        [ -z "$MARIADB_DUMP" ] || native_mariadb_dump "$i"
                        [ "$HAVE_MYDUMPER" -eq 0 ] || native_mydumper "$i" ;;
                esac
            fi
        done
        if [ "$DO_PYODBC" -eq 1 ]; then
            for ((i = 1; i <= PY_REPEAT; i++)); do legacy_pyodbc "$s" "$d" "$i"; done
        fi
        drop_target "$d"
    done
    say "shape $shape done ($(elapsed "$t_shape") s)"
done

# ----------------------------------------------------------------- report ----

date_s=$(date +%Y-%m-%d)
if [ -z "$OUT" ]; then
    OUT=$bench/results-$date_s.md
    [ -e "$OUT" ] && OUT=$bench/results-$date_s-$(date +%H%M).md
fi
pkgv() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"; }
total_s=$(elapsed "$t_start")
{
    printf 'date\t%s\n' "$(date '+%Y-%m-%d %H:%M %Z')"
    printf 'command\t`bench/run.sh %s` (%s s for data, copies and checks; %s s before that for packages and build)\n' \
        "${ORIG_ARGS[*]}" "$total_s" "${RPL_BENCH_PREP_S:-0}"
    if [ -n "${RPL_BENCH_GIVEN:-}" ]; then
        printf 'replicad\t%s (given with --replicad; %s%s), load options %s\n' "$REPLICAD_SRC" \
            "$("$REPLICAD_BIN" --version 2>&1 | head -n 1)" "${LABEL:+; $LABEL}" "$LOAD_JSON"
    else
        if commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null); then
            git -C "$root" diff --quiet HEAD -- lib daemon 2>/dev/null \
                || commit="$commit with uncommitted changes in lib/ or daemon/"
            commit="commit $commit"
        else
            commit="not a git checkout"
        fi
        printf 'replicad\t%s (%s, %s%s), load options %s\n' "$REPLICAD_SRC" \
            "$("$REPLICAD_BIN" --version 2>&1 | head -n 1)" "$commit" "${LABEL:+; $LABEL}" "$LOAD_JSON"
    fi
    printf 'machine\t%s vCPU (%s), %s GiB RAM, %s, kernel %s; servers on 127.0.0.1 sharing the cores\n' \
        "$(nproc)" "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
        "$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
        "$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release)" "$(uname -r)"
    printf 'load average\t%s at the start, %s at the end (other processes on the machine add noise)\n' \
        "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'servers\tPostgreSQL %s, MariaDB %s (tests/harness/servers.sh settings: PostgreSQL fsync/synchronous_commit off; InnoDB flush_log_at_trx_commit=2, doublewrite off, buffer pool 256M)\n' \
        "${RPL_TEST_PG_VERSION:-?}" "${RPL_TEST_MARIADB_VERSION%%-*}"
    printf 'drivers and tools\tpsqlODBC %s, MariaDB Connector/ODBC %s, sqliteodbc %s, SQLite %s, unixODBC %s, pyodbc %s, mydumper %s, mariadb-client %s\n' \
        "$(pkgv odbc-postgresql)" "$(pkgv odbc-mariadb)" "$(pkgv libsqliteodbc)" "$(pkgv sqlite3)" \
        "$(pkgv unixodbc)" "$(pkgv python3-pyodbc)" "$(pkgv mydumper)" "$(pkgv mariadb-client)"
    printf 'data\tbench/gen_sales.py --rows %s --null-pct %s --seed 1, shapes %s; native and pyodbc targets pre-created with the same DDL (primary key only, as replicad creates them)\n' \
        "$ROWS" "$NULL_PCT" "${SHAPES[*]}"
} >"$work/info.tsv"
echo
"$PY" "$bench/report.py" render "$results" "$work/info.tsv" --md "$OUT"
cp "$results" "${OUT%.md}.tsv"
say "Markdown: $OUT (runs: ${OUT%.md}.tsv); total $(elapsed "$t_start") s"
[ "$KEEP" -eq 1 ] && say "work files kept in $work"
if [ "$FAILED" -ne 0 ]; then
    say "FAILED: a replicad run failed or its copy differs from the source (see above)"
    exit 1
fi
exit 0
