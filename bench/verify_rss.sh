#!/usr/bin/env bash
# bench/verify_rss.sh: verify's memory does not grow with the partition (issue #17:
# peak RSS flat at 1 M rows). Fills a narrow PostgreSQL table (generate_series: a
# key, a date, a decimal, a double, a timestamp, a text) with each row count given,
# copies it whole to PostgreSQL and to MariaDB with `replicad run --full`, and runs
# `replicad verify --full` of each pair under /usr/bin/time -v; prints the rows, the
# seconds and the peak RSS ("Maximum resident set size") of each verify, and fails
# when a verify does not find its copy equal.
#
#   bench/verify_rss.sh [ROWS...]        (default: 100000 1000000)
#
# Runs under tests/harness/with-servers when RPL_TEST_* are not set. Needs
# /usr/bin/time (package time).
set -euo pipefail
prog="bench-verify-rss"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }
[ $# -gt 0 ] || set -- 100000 1000000
for n in "$@"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "$prog: rows: positive integers, got '$n'" >&2; exit 2; }; done
REPLICAD=${REPLICAD:-$root/build/daemon/replicad}
[ -x "$REPLICAD" ] || die "no replicad at $REPLICAD (ninja -C build, or REPLICAD=path)"
if [ -z "${RPL_TEST_PG_SRC:-}" ]; then
    exec "$root/tests/harness/with-servers" "$0" "$@"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time not found (package time)"
work=$(mktemp -d "${TMPDIR:-/tmp}/rpl-verify-rss.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
printf '%s' "$RPL_TEST_PASSWORD" >"$work/password"
chmod 600 "$work/password"
db_of() { sed -n 's/.*[Dd]atabase=\([^;]*\).*/\1/p' <<<"$1"; }
pg() { PGPASSWORD=$RPL_TEST_PASSWORD "${RPL_TEST_PSQL:-psql}" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$RPL_TEST_PG_PORT" -U replicad -d "$(db_of "$RPL_TEST_PG_SRC")" "$@"; }
config() { # config TARGET_ODBC FILE
    cat >"$2" <<EOF
{"source": {"odbc": "$RPL_TEST_PG_SRC", "password_file": "$work/password"},
 "target": {"odbc": "$1", "password_file": "$work/password"},
 "tables": [{"name": "vrss", "date_column": "d"}],
 "load": {"create_missing_tables": true}, "state_dir": "$work/state"}
EOF
}
config "$RPL_TEST_PG_DST" "$work/pg.json"
config "$RPL_TEST_MARIADB_DST" "$work/mariadb.json"
printf '%-10s %-16s %10s %14s  %s\n' rows pair "verify s" "peak RSS KiB" "verify's report"
status=0
for n in "$@"; do
    pg -c "DROP TABLE IF EXISTS vrss" -c "CREATE TABLE vrss (id bigint PRIMARY KEY, d date NOT NULL,
        amt numeric(14,4), f double precision, ts timestamp(6), name varchar(40))" \
       -c "INSERT INTO vrss SELECT g, date '2024-01-01' + (g % 365)::int, g * 1.0001, g / 7.0,
        timestamp '2024-01-01' + g * interval '1 second', 'name ' || g FROM generate_series(1, $n) g" \
       -c "VACUUM ANALYZE vrss" 2>/dev/null
    for pair in pg-pg pg-mariadb; do
        cfg=$work/${pair#*-}.json
        "$REPLICAD" -c "$cfg" run vrss --full --json >"$work/run.out" 2>"$work/run.err" \
            || die "copy $pair of $n rows failed: $(tail -n 2 "$work/run.err")"
        rc=0
        /usr/bin/time -v "$REPLICAD" -c "$cfg" verify vrss --full >"$work/verify.out" 2>"$work/verify.err" || rc=$?
        [ "$rc" -eq 0 ] || { echo "$prog: verify $pair of $n rows: exit $rc: $(head -c 300 "$work/verify.out")" >&2; status=1; }
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/verify.err")
        secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/verify.err")
        printf '%-10s %-16s %10s %14s  %s\n' "$n" "$pair" "$secs" "$rss" "$(head -n 1 "$work/verify.out" | cut -c1-120)"
    done
done
exit "$status"
