#!/usr/bin/env bash
# tests/integration/test_cli.sh: replicad's and replicactl's command line against the
# harness's servers (docs/operations.md and docs/configuration.md), as TAP on stdout.
#
#   tests/harness/with-servers tests/integration/test_cli.sh REPLICAD REPLICACTL
#
# meson registers it with the two built binaries as arguments. Every case checks the
# exit status, that stderr (or stdout) names the cause and the place (key, side, path,
# argument), and that no password (the harness's and the ones this script puts in
# password files) appears in stdout or stderr. Cases:
#   config       missing key, wrong type, unknown key (with a suggestion), bad size,
#                a FIFO as config or password file, a symlinked or world-readable
#                password file, a state_dir that cannot be written (check, run, serve),
#                duration, time and time zone, malformed JSON (file:line:col),
#                unreadable password file, missing config file, the cluster key with
#                a SQLite target (check, run, serve): all exit 2;
#   connections  `check` against a closed port (PostgreSQL, MariaDB, FreeTDS), a wrong
#                password (PostgreSQL, MariaDB), an unknown driver: exit 1, naming the
#                side (and the SQLSTATE where the contract asks for it);
#   success      `check` with a table present in the source and one absent (exit 1,
#                yes/no per table), then with the present one only (exit 0, names the
#                engines and drivers), also at -vv; a SQLite file that does not exist
#                (scan and verify's target, a run's source): exit 1 naming it, not made;
#   mapping      `check` naming a misspelled exclude, a NOT NULL target column the
#                source lacks (exit 1), the one warning for nullable/defaulted ones
#                (exit 0), and `run` through a rename, value by value;
#   inheritance  `check` warning when a PostgreSQL parent and its child are both
#                configured, and not when the parent has "inherited": false;
#   core dumps   serve runs with a core limit of 0 and not dumpable;
#   hostile      a fake daemon answering 1e300: replicactl shows 0 and says so;
#   usage        --help, --version, unknown command, `run` without a table, `run` with
#                --from after --to, replicactl on a missing socket.
# A missing variable (not run under the harness) is a failure, never a skip.
set -u

prog=test_cli.sh
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { # not_ok DESCRIPTION DETAILS
    n=$((n + 1)); failed=$((failed + 1))
    echo "not ok $n - $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
    echo "$prog: FAILED: $1" >&2
}

# ---------------------------------------------------------------- environment --

REPLICAD=${1:-}
REPLICACTL=${2:-}
LOGFMT_LINT=${3:-}   # tests/logfmt_lint: every log line captured here is read by it at the end
required=(
    ODBCSYSINI ODBCINI RPL_TEST_DIR RPL_TEST_PASSWORD RPL_TEST_PSQL
    RPL_TEST_PG_PORT RPL_TEST_PG_SRC RPL_TEST_MARIADB_PORT RPL_TEST_MARIADB_SRC
    RPL_TEST_MARIADB_DST
)
missing=()
for v in "${required[@]}"; do
    [ -n "${!v:-}" ] || missing+=("$v")
done
problems=""
[ "${#missing[@]}" -eq 0 ] || problems="not set: ${missing[*]} (run it under the harness: tests/harness/with-servers $0 REPLICAD REPLICACTL)"
for b in "$REPLICAD" "$REPLICACTL" "$LOGFMT_LINT"; do
    if [ -z "$b" ] || [ ! -x "$b" ]; then
        problems="${problems:+$problems; }usage: $prog REPLICAD REPLICACTL LOGFMT_LINT (got '${b}', not an executable)"
    fi
done
if [ -n "$problems" ]; then
    echo "1..1"
    echo "not ok 1 - test environment is set"
    echo "#   $problems"
    echo "$prog: FAILED: $problems" >&2
    exit 1
fi

PW=$RPL_TEST_PASSWORD              # the servers' real password
WRONG_PW='cli-wrong-Zq7Vx3pK'      # in a password file, refused by the servers
OTHER_PW='cli-other-Hm4Rw8tN'      # in a password file a failing config points to
SECRETS=("$PW" "$WRONG_PW" "$OTHER_PW" "rpl-test-pw")

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
work=$(mktemp -d "$RPL_TEST_DIR/cli.XXXXXX")
tmp=$work/io
mkdir -p "$tmp" "$work/state"
PSQL=$RPL_TEST_PSQL

printf '%s\n' "$PW" >"$work/right.pw"
printf '%s\n' "$WRONG_PW" >"$work/wrong.pw"
printf '%s\n' "$OTHER_PW" >"$work/other.pw"
chmod 0600 "$work"/*.pw

# closed_port: a TCP port on 127.0.0.1 nothing listens on (bound, then released).
closed_port() {
    local p
    while :; do
        p=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) \
            || p=$((20000 + RANDOM % 20000))
        if [ "$p" = "$RPL_TEST_PG_PORT" ] || [ "$p" = "$RPL_TEST_MARIADB_PORT" ]; then continue; fi
        if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
            continue
        fi
        echo "$p"; return
    done
}
CLOSED=$(closed_port)

# jstr S: S as a JSON string literal
jstr() {
    local s=${1//\\/\\\\}
    s=${s//\"/\\\"}
    printf '"%s"' "$s"
}

PG_SRC=$RPL_TEST_PG_SRC
SQLITE_DST="Driver=SQLite3;Database=$work/cli.db"

# write_config FILE SOURCE-ODBC SOURCE-PWFILE TARGET-ODBC TARGET-PWFILE TABLES-JSON [EXTRA-JSON]
# An empty PWFILE leaves password_file out. EXTRA-JSON: more top-level members.
write_config() {
    local f=$1 so=$2 sp=$3 to=$4 tp=$5 tables=$6 extra=${7:-}
    {
        echo "{"
        printf '  "source": { "odbc": %s%s },\n' "$(jstr "$so")" "${sp:+, \"password_file\": $(jstr "$sp")}"
        printf '  "target": { "odbc": %s%s },\n' "$(jstr "$to")" "${tp:+, \"password_file\": $(jstr "$tp")}"
        printf '  "tables": %s,\n' "$tables"
        [ -n "$extra" ] && printf '  %s,\n' "$extra"
        printf '  "state_dir": %s,\n' "$(jstr "$work/state")"
        printf '  "socket": %s\n' "$(jstr "$work/replicad.sock")"
        echo "}"
    } >"$f"
}

SALES='[ { "name": "cli_sales", "date_column": "sale_date" } ]'

# run_case DESCRIPTION WANT-STATUS CHECK... -- CMD [ARGS...]
# CHECK: err:TEXT / out:TEXT (fixed text in stderr / stdout), errre:RE / outre:RE
# (extended regex, grep -E, on one line), noerrre:RE (no stderr line matches), all:TEXT
# (in stdout or stderr). Every stderr is also kept in $work/all.err for the logfmt check.
run_case() {
    local desc=$1 want=$2; shift 2
    local checks=() c status problems="" s
    while [ $# -gt 0 ] && [ "$1" != -- ]; do checks+=("$1"); shift; done
    shift
    timeout 60 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
    cat "$tmp/err" >>"$work/all.err"
    [ "$status" = "$want" ] || problems+="exit status $status, expected $want"$'\n'
    for c in "${checks[@]}"; do
        case $c in
            err:*) grep -qF -- "${c#err:}" "$tmp/err" || problems+="stderr does not contain '${c#err:}'"$'\n' ;;
            out:*) grep -qF -- "${c#out:}" "$tmp/out" || problems+="stdout does not contain '${c#out:}'"$'\n' ;;
            errre:*) grep -qE -- "${c#errre:}" "$tmp/err" || problems+="no stderr line matches /${c#errre:}/"$'\n' ;;
            noerrre:*) ! grep -qE -- "${c#noerrre:}" "$tmp/err" || problems+="a stderr line matches /${c#noerrre:}/"$'\n' ;;
            outre:*) grep -qE -- "${c#outre:}" "$tmp/out" || problems+="no stdout line matches /${c#outre:}/"$'\n' ;;
            all:*) cat "$tmp/out" "$tmp/err" | grep -qF -- "${c#all:}" || problems+="neither stdout nor stderr contains '${c#all:}'"$'\n' ;;
            *) problems+="bad check '$c' in the test"$'\n' ;;
        esac
    done
    for s in "${SECRETS[@]}"; do
        if grep -qF -- "$s" "$tmp/out" "$tmp/err"; then
            problems+="a password ($( [ "$s" = "$PW" ] && echo "the servers' one" || echo "one from a password file")) appears in the output"$'\n'
        fi
    done
    if [ -z "$problems" ]; then
        ok "$desc"
        if [ -n "${RPL_TEST_VERBOSE:-}" ]; then # show what passed, as TAP comments
            printf 'command: %s (exit %s)\n--- stdout:\n%s\n--- stderr:\n%s\n' "$*" "$status" \
                "$(head -c 3000 "$tmp/out")" "$(head -c 3000 "$tmp/err")" | sed 's/^/#   /'
        fi
    else
        not_ok "$desc" "$(printf '%scommand: %s\n--- stdout:\n%s\n--- stderr:\n%s' "$problems" "$*" \
            "$(head -c 3000 "$tmp/out")" "$(head -c 3000 "$tmp/err")")"
    fi
}

# ---------------------------------------------------------------- config -------

cfg=$work/missing-key.json
cat >"$cfg" <<EOF
{
  "source": { "password_file": $(jstr "$work/other.pw") },
  "target": { "odbc": $(jstr "$SQLITE_DST") },
  "tables": $SALES
}
EOF
run_case "config: missing source.odbc exits 2 naming the file and the key" 2 \
    "err:$cfg" "err:source.odbc" -- "$REPLICAD" -c "$cfg" check

cfg=$work/wrong-type.json
write_config "$cfg" "$PG_SRC" "$work/other.pw" "$SQLITE_DST" "" "$SALES" '"load": { "workers": "four" }'
run_case "config: load.workers as a string exits 2 naming load.workers" 2 \
    "err:$cfg" "err:load.workers" -- "$REPLICAD" -c "$cfg" check

cfg=$work/unknown-key.json
write_config "$cfg" "$PG_SRC" "$work/other.pw" "$SQLITE_DST" "" \
    '[ { "name": "cli_sales", "date_colum": "sale_date" } ]'
run_case "config: unknown key tables[0].date_colum exits 2, names it, suggests date_column" 2 \
    "err:$cfg" "err:tables[0].date_colum" "err:date_column" -- "$REPLICAD" -c "$cfg" check

cfg=$work/bad-size.json
write_config "$cfg" "$PG_SRC" "$work/other.pw" "$SQLITE_DST" "" "$SALES" '"load": { "chunk_bytes": "4 MB" }'
run_case "config: chunk_bytes \"4 MB\" exits 2 naming load.chunk_bytes" 2 \
    "err:$cfg" "err:load.chunk_bytes" -- "$REPLICAD" -c "$cfg" check

cfg=$work/bad-duration.json
write_config "$cfg" "$PG_SRC" "$work/other.pw" "$SQLITE_DST" "" "$SALES" '"schedule": { "t0_every": "15 minutes" }'
run_case "config: t0_every \"15 minutes\" exits 2 naming schedule.t0_every" 2 \
    "err:$cfg" "err:schedule.t0_every" -- "$REPLICAD" -c "$cfg" check

cfg=$work/bad-time.json
write_config "$cfg" "$PG_SRC" "$work/other.pw" "$SQLITE_DST" "" "$SALES" '"schedule": { "t1_at": "25:00" }'
run_case "config: t1_at \"25:00\" exits 2 naming schedule.t1_at" 2 \
    "err:$cfg" "err:schedule.t1_at" -- "$REPLICAD" -c "$cfg" check

cfg=$work/bad-tz.json
write_config "$cfg" "$PG_SRC" "$work/other.pw" "$SQLITE_DST" "" "$SALES" '"schedule": { "timezone": "Mars/Olympus" }'
run_case "config: timezone Mars/Olympus exits 2 naming schedule.timezone" 2 \
    "err:$cfg" "err:schedule.timezone" -- "$REPLICAD" -c "$cfg" check

cfg=$work/malformed.json
# line 3 starts a member after one that lacks its comma
printf '%s\n' '{' \
    "  \"source\": { \"odbc\": $(jstr "$PG_SRC") }" \
    "  \"target\": { \"odbc\": $(jstr "$SQLITE_DST") }," \
    "  \"tables\": $SALES" '}' >"$cfg"
run_case "config: malformed JSON exits 2 with file:line:col" 2 \
    "errre:$(printf '%s' "$cfg" | sed 's/[][\.*^$+?(){}|]/\\&/g'):3:[0-9]+" -- "$REPLICAD" -c "$cfg" check

cfg=$work/pwfile-missing.json
write_config "$cfg" "$PG_SRC" "$work/no-such.pw" "$SQLITE_DST" "" "$SALES"
run_case "config: a missing password file exits 2 naming source.password_file and the path" 2 \
    "err:$cfg" "err:source.password_file" "err:$work/no-such.pw" -- "$REPLICAD" -c "$cfg" check

mkdir -p "$work/pw-is-a-dir"
cfg=$work/pwfile-dir.json
write_config "$cfg" "$PG_SRC" "$work/pw-is-a-dir" "$SQLITE_DST" "" "$SALES"
run_case "config: a password file that is a directory exits 2 naming source.password_file and the path" 2 \
    "err:$cfg" "err:source.password_file" "err:$work/pw-is-a-dir" -- "$REPLICAD" -c "$cfg" check

# Files that are not what they must be (issue #19): refused at once, naming the path
# and why. A FIFO would block open() until a writer came (run_case's timeout: 124).
mkfifo "$work/pw-fifo" "$work/config-fifo.json"
cfg=$work/pwfile-fifo.json
write_config "$cfg" "$PG_SRC" "$work/pw-fifo" "$SQLITE_DST" "" "$SALES"
run_case "config: a password file that is a FIFO exits 2 at once naming the path and why" 2 \
    "err:source.password_file" "err:$work/pw-fifo" "err:not a regular file (a FIFO)" -- "$REPLICAD" -c "$cfg" check
run_case "config: a config file that is a FIFO exits 2 at once naming it and why" 2 \
    "err:$work/config-fifo.json" "err:not a regular file (a FIFO)" -- "$REPLICAD" -c "$work/config-fifo.json" check

ln -s /etc/shadow "$work/shadow-link.pw"
cfg=$work/pwfile-link.json
write_config "$cfg" "$PG_SRC" "$work/shadow-link.pw" "$SQLITE_DST" "" "$SALES"
run_case "config: a password file that is a symlink (to /etc/shadow) exits 2 naming the path and why" 2 \
    "err:source.password_file" "err:$work/shadow-link.pw" "err:a symbolic link" -- "$REPLICAD" -c "$cfg" check

printf '%s\n' "$OTHER_PW" >"$work/world.pw"
chmod 0644 "$work/world.pw"
cfg=$work/pwfile-world.json
write_config "$cfg" "$PG_SRC" "$work/world.pw" "$SQLITE_DST" "" "$SALES"
run_case "config: a password file others may read exits 2 naming the path and the mode" 2 \
    "err:source.password_file" "err:$work/world.pw" "err:others may access it (mode 0644)" -- "$REPLICAD" -c "$cfg" check

# A state_dir that cannot be written is an error at start (issue #19), for check, run
# and serve alike; serve must exit before it listens (so before READY). Root writes
# through mode bits, so the unwritable directories are a path that is a file and,
# where a private mount namespace is allowed, a read-only tmpfs.
printf 'x\n' >"$work/state-is-a-file"
cfg=$work/state-file.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "$SQLITE_DST" "" "$SALES"
sed -i "s|^  \"state_dir\": .*|  \"state_dir\": $(jstr "$work/state-is-a-file"),|; s|replicad.sock|state-file.sock|" "$cfg"
for args in check "run cli_sales --day 2024-01-01" serve; do
    # shellcheck disable=SC2086
    run_case "state_dir that is a file: $args exits 2 naming state_dir and the path" 2 \
        "err:state_dir" "err:$work/state-is-a-file" "err:Not a directory" -- "$REPLICAD" -c "$cfg" $args
done
[ ! -e "$work/state-file.sock" ] || not_ok "serve with an unwritable state_dir did not listen" "the socket exists"
mkdir -p "$work/ro-state"
if unshare -m true 2>/dev/null; then
    cfg=$work/state-ro.json
    write_config "$cfg" "$PG_SRC" "$work/right.pw" "$SQLITE_DST" "" "$SALES"
    sed -i "s|^  \"state_dir\": .*|  \"state_dir\": $(jstr "$work/ro-state"),|" "$cfg"
    run_case "state_dir on a read-only mount: serve exits 2 naming state_dir, the path and why" 2 \
        "err:state_dir" "err:$work/ro-state" "err:Read-only file system" -- \
        unshare -m sh -c 'mount -t tmpfs -o ro tmpfs "$1" && exec "$2" -c "$3" serve' sh "$work/ro-state" "$REPLICAD" "$cfg"
fi

run_case "config: a nonexistent config file exits 2 naming it" 2 \
    "err:$work/no-such-config.json" -- "$REPLICAD" -c "$work/no-such-config.json" check

# ---------------------------------------------------------------- connections --

SQLSTATE_CONN='08[0-9A-Z]{3}'
SQLSTATE='[0-9A-Z]{5}'
cfg=$work/closed-pg.json
write_config "$cfg" "${PG_SRC/Port=$RPL_TEST_PG_PORT/Port=$CLOSED}" "$work/right.pw" "$SQLITE_DST" "" "$SALES"
run_case "check: PostgreSQL source on a closed port exits 1, one line naming source and the SQLSTATE" 1 \
    "errre:source.*$SQLSTATE_CONN|$SQLSTATE_CONN.*source" -- "$REPLICAD" -c "$cfg" check

cfg=$work/closed-mariadb.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "${RPL_TEST_MARIADB_DST/Port=$RPL_TEST_MARIADB_PORT/Port=$CLOSED}" \
    "$work/right.pw" "$SALES"
# MariaDB Connector/ODBC reports a refused connection as HY000 (client error 2002),
# not 08001: the contract asks for the driver's SQLSTATE, whichever it is.
run_case "check: MariaDB target on a closed port exits 1, one line naming target and the SQLSTATE" 1 \
    "errre:target.*\[$SQLSTATE\]" -- "$REPLICAD" -c "$cfg" check

cfg=$work/wrong-pw-pg.json
write_config "$cfg" "$PG_SRC" "$work/wrong.pw" "$SQLITE_DST" "" "$SALES"
run_case "check: wrong password for the PostgreSQL source exits 1 naming source, password not shown" 1 \
    "errre:source.*[0-9A-Z]{5}|[0-9A-Z]{5}.*source" -- "$REPLICAD" -c "$cfg" check

cfg=$work/wrong-pw-mariadb.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "$RPL_TEST_MARIADB_DST" "$work/wrong.pw" "$SALES"
run_case "check: wrong password for the MariaDB target exits 1 naming target, password not shown" 1 \
    "errre:target.*[0-9A-Z]{5}|[0-9A-Z]{5}.*target" -- "$REPLICAD" -c "$cfg" check

cfg=$work/wrong-pw-mariadb-src.json
write_config "$cfg" "$RPL_TEST_MARIADB_SRC" "$work/wrong.pw" "$SQLITE_DST" "" "$SALES"
run_case "check -vv: wrong password for a MariaDB source exits 1 naming source, password not shown" 1 \
    "errre:source" -- "$REPLICAD" -vv -c "$cfg" check

cfg=$work/no-driver.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "Driver=NoSuchDriver;Server=127.0.0.1;Database=x" "$work/other.pw" "$SALES"
# unixODBC answers an unregistered Driver= name by trying it as a library path: its
# only diagnostic is [01000] "Can't open lib 'NoSuchDriver' : file not found" (IM002 is
# what it gives for an unknown DSN=, the case after this one).
run_case "check: unknown ODBC driver exits 1 naming target and the driver manager's message" 1 \
    "errre:target.*\[(IM002|IM003|01000)\].*Driver Manager.*NoSuchDriver" -- "$REPLICAD" -c "$cfg" check

cfg=$work/no-dsn.json
write_config "$cfg" "DSN=rpl_cli_no_such_dsn" "$work/other.pw" "$SQLITE_DST" "" "$SALES"
run_case "check: unknown DSN exits 1 naming source and the driver manager's IM002" 1 \
    "errre:source.*\[IM002\].*Driver Manager" -- "$REPLICAD" -c "$cfg" check

cfg=$work/freetds-closed.json
write_config "$cfg" "Driver=FreeTDS;Server=127.0.0.1;Port=$CLOSED;TDS_Version=7.4;Uid=replicad" "$work/other.pw" \
    "$SQLITE_DST" "" "$SALES"
run_case "check: FreeTDS source on a closed port exits 1 naming source and the SQLSTATE" 1 \
    "errre:source.*\[$SQLSTATE\]" -- "$REPLICAD" -c "$cfg" check

# ---------------------------------------------------------------- success ------

if out=$(PGPASSWORD="$PW" PGCONNECT_TIMEOUT=10 "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
        -p "$RPL_TEST_PG_PORT" -U replicad rpl_src -c 'drop table if exists cli_sales, cli_missing;
create table cli_sales (id integer primary key, sale_date date not null, amount numeric(12,2));
insert into cli_sales values (1, date '"'"'2024-01-15'"'"', 10.50);' 2>&1); then
    ok "psql creates table cli_sales in the PostgreSQL source"
else
    not_ok "psql creates table cli_sales in the PostgreSQL source" "$out"
fi

cfg=$work/two-tables.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "$SQLITE_DST" "" \
    '[ { "name": "cli_sales", "date_column": "sale_date" }, { "name": "cli_missing" } ]' \
    '"load": { "create_missing_tables": true }'
run_case "check: a table absent from the source exits 1, listing cli_sales yes and cli_missing no" 1 \
    "outre:^cli_sales[[:space:]]+yes" "outre:^cli_missing[[:space:]]+no" "err:missing" \
    -- "$REPLICAD" -c "$cfg" check

cfg=$work/good.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "$SQLITE_DST" "" "$SALES" '"load": { "create_missing_tables": true }'
run_case "check: valid config exits 0 naming PostgreSQL, SQLite and their drivers, versions as people write them" 0 \
    "outre:^source: PostgreSQL [1-9][0-9]\.[0-9]+ via psqlodbc[a-z]*\.so [1-9][0-9]*\.[0-9]+\.[0-9]+ \(ODBC 3\.[0-9]+\)" "outre:^target:.*SQLite.*sqlite3odbc" "outre:^cli_sales[[:space:]]+yes" \
    -- "$REPLICAD" -c "$cfg" check
run_case "check -vv: valid config exits 0, debug log shows no password" 0 \
    "outre:^source:.*PostgreSQL" -- "$REPLICAD" -vv -c "$cfg" check

# a SQLite file that does not exist is not made by a source's open, nor by scan or
# verify (they write nothing): an error naming it (sqliteodbc made an empty file)
cfg=$work/absent-dst.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$work/absent-dst.db" "" "$SALES"
for cmd in scan verify; do
    run_case "$cmd: a SQLite target file that does not exist exits 1 naming it" 1 \
        "err:target: the SQLite database file $work/absent-dst.db does not exist" -- "$REPLICAD" -c "$cfg" $cmd cli_sales --full
    if [ -e "$work/absent-dst.db" ]; then not_ok "$cmd made no SQLite file" "$work/absent-dst.db exists"; else ok "$cmd made no SQLite file"; fi
done
cfg=$work/absent-src.json
write_config "$cfg" "Driver=SQLite3;Database=$work/absent-src.db" "" "$SQLITE_DST" "" "$SALES"
run_case "run: a SQLite source file that does not exist exits 1 naming it" 1 \
    "err:source: the SQLite database file $work/absent-src.db does not exist" -- "$REPLICAD" -c "$cfg" run cli_sales --full
if [ -e "$work/absent-src.db" ]; then not_ok "run made no SQLite source file" "$work/absent-src.db exists"; else ok "run made no SQLite source file"; fi

# ---------------------------------------------------------------- mapping ------
# tables[].exclude/columns (lib/core/colmap.h): check lists every mapping error and the
# warning, each under its table, before a run; run then loads through the mapping.

MAP_DB=$work/map.db
if out=$(sqlite3 "$MAP_DB" 'create table cli_sales (id integer primary key, sale_date date not null,
  total numeric(12,2), code text not null, note text);' 2>&1); then
    ok "sqlite3 creates the pre-made target cli_sales"
else
    not_ok "sqlite3 creates the pre-made target cli_sales" "$out"
fi
cfg=$work/map-bad.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$MAP_DB" "" \
    '[ { "name": "cli_sales", "date_column": "sale_date", "exclude": ["nope"], "columns": {"amount": "total"} } ]'
run_case "check: a misspelled exclude and a NOT NULL target column without default exit 1, each named" 1 \
    "out:cli_sales: error: tables[0].exclude names column nope, which the source table does not have" \
    "err:columns do not match" -- "$REPLICAD" -c "$cfg" check
write_config "$cfg" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$MAP_DB" "" \
    '[ { "name": "cli_sales", "date_column": "sale_date", "columns": {"amount": "total"} } ]'
run_case "check: a NOT NULL target column the source lacks exits 1 naming it; the nullable one is a warning" 1 \
    "out:cli_sales: error: target column code is missing in the source, and it is NOT NULL without a default" \
    "out:cli_sales: warning: target column note is not in the source" -- "$REPLICAD" -c "$cfg" check
sqlite3 "$MAP_DB" 'drop table cli_sales; create table cli_sales (id integer primary key, sale_date date not null,
  total numeric(12,2), code text not null default '"'"'X'"'"', note text);'
run_case "check: columns renamed, target columns with a default or nullable: exit 0 with one warning" 0 \
    "out:cli_sales: warning: target columns code, note are not in the source: left out of the load" \
    -- "$REPLICAD" -c "$cfg" check
cfg2=$work/map-add.json
write_config "$cfg2" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$MAP_DB" "" \
    '[ { "name": "cli_sales", "date_column": "sale_date", "add_new_columns": true } ]'
run_case "check: add_new_columns says the column it will add, and changes nothing" 0 \
    "out:cli_sales: warning: source column amount is not in the target: it will be added (add_new_columns)" \
    -- "$REPLICAD" -c "$cfg2" check
got=$(sqlite3 "$MAP_DB" 'select count(*) from pragma_table_info('"'"'cli_sales'"'"') where name = '"'"'amount'"'"'' 2>&1)
if [ "$got" = "0" ]; then
    ok "check added no column"
else
    not_ok "check added no column" "got: $got"
fi
run_case "run: loads through the mapping (amount into total, code its default)" 0 \
    -- "$REPLICAD" -c "$cfg" run cli_sales --from 2024-01-01 --to 2024-01-31
run_case "run --dry-run: the statements read amount and write total, leaving code and note out" 0 \
    'outre:SELECT "id", "sale_date", "amount" FROM' 'outre:INSERT INTO "cli_sales" \("id", "sale_date", "total"\) VALUES' \
    -- "$REPLICAD" -c "$cfg" run cli_sales --from 2024-01-01 --to 2024-01-31 --dry-run
got=$(sqlite3 "$MAP_DB" 'select id, sale_date, total, code, coalesce(note, '"'"'null'"'"') from cli_sales' 2>&1)
if [ "$got" = "1|2024-01-15|10.5|X|null" ]; then
    ok "the mapped row in the target is 1|2024-01-15|10.5|X|null"
else
    not_ok "the mapped row in the target is 1|2024-01-15|10.5|X|null" "got: $got"
fi

# ---------------------------------------------------------------- sqlite dates --
# A SQLite date_column holding dates that are not ISO text (Unix integers, Julian REALs,
# '2024/01/15'): a date range compares ISO text, so those rows are in no range. check
# and a ranged run count them and say so (lib/core/validate.h rpl_validate_lite_dates).

EV_DB=$work/ev.db
rm -f "$EV_DB"
if out=$(sqlite3 "$EV_DB" "create table ev (id integer primary key, at datetime not null, v text);
  insert into ev values (1, '2024-01-05 10:00:00', 'iso'), (2, 1705000000, 'unix'), (3, '2024/01/15', 'slashes'),
  (4, 2460325.5, 'julian'), (5, '2024-01-20 08:00:00', 'iso'), (6, '15.01.2024', 'german');" 2>&1); then
    ok "sqlite3 creates the source ev with non-ISO dates"
else
    not_ok "sqlite3 creates the source ev with non-ISO dates" "$out"
fi
cfg=$work/ev.json
write_config "$cfg" "Driver=SQLite3;Database=$EV_DB" "" "Driver=SQLite3;Database=$work/ev-dst.db" "" \
    '[ { "name": "ev", "date_column": "at" } ]' '"load": { "create_missing_tables": true }'
run_case "check: a SQLite date_column with non-ISO dates is a warning naming table, column, count and an example" 0 \
    "out:ev: warning: 4 rows hold no ISO 8601 date in date_column at (e.g. integer 1705000000)" \
    -- "$REPLICAD" -c "$cfg" check
run_case "run with a date range warns once about the rows no range holds" 0 \
    "err:replicad: warning: table ev: 4 rows hold no ISO 8601 date in date_column at (e.g. integer 1705000000)" \
    -- "$REPLICAD" -c "$cfg" run ev --from 2024-01-01 --to 2024-01-31
got=$(sqlite3 "$work/ev-dst.db" 'select group_concat(id) from ev' 2>&1)
if [ "$got" = "1,5" ]; then
    ok "the ranged run copied the two ISO rows"
else
    not_ok "the ranged run copied the two ISO rows" "got: $got"
fi

# NULL in a date_column (any engine): no range holds the row. check and a ranged run
# count them, one line naming table, column and count; --full reads them, no warning
# (lib/core/validate.h rpl_validate_null_dates).
if out=$(PGPASSWORD="$PW" PGCONNECT_TIMEOUT=10 "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
        -p "$RPL_TEST_PG_PORT" -U replicad rpl_src -c 'drop table if exists "Cli Nulls";
create table "Cli Nulls" (id integer primary key, "At Day" date, v text);
insert into "Cli Nulls" values (1, '"'"'2024-01-05'"'"', '"'"'a'"'"'), (2, null, '"'"'b'"'"'),
  (3, null, '"'"'c'"'"'), (4, null, '"'"'d'"'"');' 2>&1); then
    ok "psql creates the source \"Cli Nulls\" with three NULL dates"
else
    not_ok "psql creates the source \"Cli Nulls\" with three NULL dates" "$out"
fi
cfg=$work/nulls.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$work/nulls-dst.db" "" \
    '[ { "name": "Cli Nulls", "date_column": "At Day" } ]' '"load": { "create_missing_tables": true }'
run_case "check: NULLs in a date_column are a warning naming table, column and count" 0 \
    "out:Cli Nulls: warning: 3 rows hold NULL in date_column At Day: no date range holds them" \
    -- "$REPLICAD" -c "$cfg" check
run_case "run with a date range warns once about the NULL dates" 0 \
    "err:replicad: warning: table Cli Nulls: 3 rows hold NULL in date_column At Day" \
    -- "$REPLICAD" -c "$cfg" run "Cli Nulls" --from 2024-01-01 --to 2024-01-31
run_case "run --full reads the NULL dates and does not warn" 0 "noerrre:hold NULL" \
    -- "$REPLICAD" -c "$cfg" run "Cli Nulls" --full
got=$(sqlite3 "$work/nulls-dst.db" 'select count(*) from "Cli Nulls"' 2>&1)
if [ "$got" = "4" ]; then
    ok "the --full run copied all four rows"
else
    not_ok "the --full run copied all four rows" "got: $got"
fi

# ---------------------------------------------------------------- inheritance --
# a PostgreSQL parent and its child both configured: check warns (rows copied twice)
# unless the parent is read without its children ("inherited": false).

if out=$(PGPASSWORD="$PW" PGCONNECT_TIMEOUT=10 "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
        -p "$RPL_TEST_PG_PORT" -U replicad rpl_src -c 'drop table if exists cli_inh_c, cli_inh_p;
create table cli_inh_p (id integer primary key, v text); create table cli_inh_c () inherits (cli_inh_p);' 2>&1); then
    ok "psql creates cli_inh_p and its child cli_inh_c"
else
    not_ok "psql creates cli_inh_p and its child cli_inh_c" "$out"
fi
cfg=$work/inherit.json
write_config "$cfg" "$PG_SRC" "$work/right.pw" "$SQLITE_DST" "" \
    '[ { "name": "cli_inh_p" }, { "name": "public.cli_inh_c" } ]' '"load": { "create_missing_tables": true }'
run_case "check: a parent and its child both configured is a warning naming both (exit 0)" 0 \
    "out:public.cli_inh_c: warning: it inherits from cli_inh_p (tables[0]), which is read with its children's rows: its rows would be copied twice" \
    -- "$REPLICAD" -c "$cfg" check
write_config "$cfg" "$PG_SRC" "$work/right.pw" "$SQLITE_DST" "" \
    '[ { "name": "cli_inh_p", "inherited": false }, { "name": "public.cli_inh_c" } ]' '"load": { "create_missing_tables": true }'
run_case "check: the same with inherited false on the parent exits 0" 0 "outre:^cli_inh_p" -- "$REPLICAD" -c "$cfg" check
if grep -q "copied twice" "$tmp/out"; then
    not_ok "check: no duplicate warning when the parent is read without its children" "$(cat "$tmp/out")"
else
    ok "check: no duplicate warning when the parent is read without its children"
fi
cfg=$work/good.json   # the usage cases below run against it
# ---------------------------------------------------------------- refusals -----
# check finds what a run would refuse, and run refuses it before its first statement
# on the target (-vv logs every statement: none may name the target) (issue #18 item 2)

if out=$(PGPASSWORD="$PW" PGCONNECT_TIMEOUT=10 "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
        -p "$RPL_TEST_PG_PORT" -U replicad rpl_src -c 'drop table if exists cli_txt, cli_int;
create table cli_txt (id integer primary key, d text not null);
insert into cli_txt values (1, '"'"'15/01/2024'"'"');
create table cli_int (id integer primary key, d integer not null);
insert into cli_int values (1, 20240115);' 2>&1); then
    ok "psql creates cli_txt (text date column) and cli_int (integer date column)"
else
    not_ok "psql creates cli_txt and cli_int" "$out"
fi
refuse_case() { # refuse_case WHAT CONFIG TABLE STDERR-TEXT...
    local what=$1 c=$2 table=$3; shift 3
    local checks=() t
    for t in "$@"; do checks+=("err:$t"); done
    run_case "check: $what exits 1 naming it" 1 "${checks[@]}" -- "$REPLICAD" -c "$c" check
    run_case "run: $what is refused before any statement on the target" 1 "${checks[@]}" \
        'noerrre:grp=odbc msg="target: ' -- "$REPLICAD" -vv -c "$c" run "$table" --day 2024-01-15
}
cfg_txt=$work/date-text.json
write_config "$cfg_txt" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$work/refuse.db" "" \
    '[ { "name": "cli_txt", "date_column": "d" } ]' '"load": { "create_missing_tables": true }'
refuse_case "a text date_column" "$cfg_txt" cli_txt "date_column d is text" "cli_txt"
cfg_int=$work/date-int.json
write_config "$cfg_int" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$work/refuse.db" "" \
    '[ { "name": "cli_int", "date_column": "d" } ]' '"load": { "create_missing_tables": true }'
refuse_case "an integer date_column" "$cfg_int" cli_int "date_column d is int4" "cli_int"
cfg_nod=$work/date-missing.json
write_config "$cfg_nod" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$work/refuse.db" "" \
    '[ { "name": "cli_sales", "date_column": "sold_on" } ]' '"load": { "create_missing_tables": true }'
refuse_case "a date_column the table lacks" "$cfg_nod" cli_sales "date_column sold_on is not a column of the source"
sqlite3 "$work/narrow.db" 'create table cli_sales (id integer primary key, sale_date date not null)'
cfg_col=$work/target-column.json
write_config "$cfg_col" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$work/narrow.db" "" "$SALES"
# check lists a mapping error under its table (stdout); run says it on stderr
run_case "check: a target table without one of the source's columns exits 1 naming it" 1 \
    "out:cli_sales: error: column amount is missing in the target" -- "$REPLICAD" -c "$cfg_col" check
run_case "run: a target table without one of the source's columns is refused before any statement on the target" 1 \
    "err:column amount is missing in the target" 'noerrre:grp=odbc msg="target: ' \
    -- "$REPLICAD" -vv -c "$cfg_col" run cli_sales --day 2024-01-15
printf 'not a directory\n' >"$work/state-file"
cfg_sd=$work/state-file.json
write_config "$cfg_sd" "$PG_SRC" "$work/right.pw" "$SQLITE_DST" "" "$SALES" '"load": { "create_missing_tables": true }'
sed -i "s|\"state_dir\": .*|\"state_dir\": $(jstr "$work/state-file"),|" "$cfg_sd"
# a state_dir is config: exit 2 before anything connects (statedir.h)
run_case "check: a state_dir that cannot be written exits 2 naming it" 2 \
    "err:state_dir \"$work/state-file\": cannot write: Not a directory" -- "$REPLICAD" -c "$cfg_sd" check
run_case "run: a state_dir that cannot be written exits 2 before any statement on the target" 2 \
    "err:state_dir \"$work/state-file\": cannot write: Not a directory" 'noerrre:grp=odbc msg="target: ' \
    -- "$REPLICAD" -vv -c "$cfg_sd" run cli_sales --day 2024-01-15
# cluster mode shares the target's ledger between hosts: a SQLite file cannot be
# shared, so the key is refused at start, by check, run and serve alike (issue #20)
cfg_cl=$work/cluster-sqlite.json
write_config "$cfg_cl" "$PG_SRC" "$work/right.pw" "$SQLITE_DST" "" "$SALES" '"cluster": { "node": "a" }'
for cmd in check "run cli_sales --day 2024-01-15" serve; do
    # shellcheck disable=SC2086 # the command's words
    run_case "$cmd: a SQLite target refuses the cluster key, exit 2" 2 \
        "err:$cfg_cl: cluster: a SQLite target cannot be shared by several nodes" \
        'noerrre:grp=odbc msg="target: ' -- "$REPLICAD" -vv -c "$cfg_cl" $cmd
done

# ---------------------------------------------------------------- verbosity ----
# replicad(8): -v adds info lines, -vv debug lines, for run and check as for serve

run_case "check: no info lines without -v" 0 "noerrre:^level=(info|debug)" -- "$REPLICAD" -c "$cfg" check
run_case "check -v: one info line per connection and per table read, no debug" 0 \
    "errre:^level=info grp=odbc side=source engine=postgresql connect_ms=[0-9]+ " \
    "errre:^level=info grp=catalog side=source table=\"cli_sales\" exists=yes columns=3 pk_columns=1 " \
    "noerrre:^level=debug" -- "$REPLICAD" -v -c "$cfg" check
run_case "check -vv: the catalog's columns at debug" 0 \
    "errre:^level=debug grp=catalog side=source table=\"cli_sales\" column=\"sale_date\" type=\"date\" " \
    -- "$REPLICAD" -vv -c "$cfg" check
run_case "run: no info lines without -v" 0 "noerrre:^level=(info|debug)" \
    -- "$REPLICAD" -c "$cfg" run cli_sales --day 2024-01-15
run_case "run -v: the ledger job and each partition's end at info, no debug" 0 \
    "errre:^level=info grp=ledger job=[^ ]+ table=\"cli_sales\" kind=day partitions=1 " \
    "errre:^level=info grp=loader job=[^ ]+ table=\"cli_sales\" part=1 range=2024-01-15\.\.2024-01-16 state=done attempts=1 rows_read=1 rows_written=1 rows_rejected=0 ms=[0-9]+\$" \
    "noerrre:^level=debug" -- "$REPLICAD" -v -c "$cfg" run cli_sales --day 2024-01-15
run_case "run -vv: the statements sent through ODBC at debug" 0 \
    "errre:^level=debug grp=odbc msg=\"target: .*replicad_jobs" \
    -- "$REPLICAD" -vv -c "$cfg" run cli_sales --day 2024-01-15

# ---------------------------------------------------------------- account ------
# the human account shows attempts and what the value rules changed or rejected,
# not only --json (issue #18 item 9)

if out=$(PGPASSWORD="$PW" PGCONNECT_TIMEOUT=10 "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
        -p "$RPL_TEST_PG_PORT" -U replicad rpl_src -c 'drop table if exists cli_rules;
create table cli_rules (id integer primary key, d date not null, x date);
insert into cli_rules values (1, date '"'"'2024-01-15'"'"', date '"'"'0001-01-01'"'"'), (2, date '"'"'2024-01-15'"'"', null);' 2>&1); then
    ok "psql creates table cli_rules (a placeholder date) in the PostgreSQL source"
else
    not_ok "psql creates table cli_rules in the PostgreSQL source" "$out"
fi
rulescfg=$work/rules.json
write_config "$rulescfg" "$PG_SRC" "$work/right.pw" "$SQLITE_DST" "" '[ { "name": "cli_rules", "date_column": "d" } ]' \
    '"load": { "create_missing_tables": true }'
run_case "run: the account shows ATTEMPTS and the values the rules changed, per partition and in total" 0 \
    "outre:^PARTITION +STATE +READ +WRITTEN +REJECTED +BYTES +ATTEMPTS " \
    "outre:^2024-01-15\.\.2024-01-16 +done +2 +2 +0 +[0-9]+ +1 " \
    "outre:^  values changed: placeholder_date=1\$" \
    -- "$REPLICAD" -c "$rulescfg" run cli_rules --day 2024-01-15

# ---------------------------------------------------------------- Ctrl-C -------
# SIGINT in the middle of a backfill (sent once -v shows a partition done, so the
# run is surely mid-job): the rest is 'interrupted', not 'failed', its WRITTEN is
# what committed (nothing: commit_rows is above a partition's rows), one line says
# how to resume, and the same command resumes (issue #18 item 3)

if out=$(PGPASSWORD="$PW" PGCONNECT_TIMEOUT=10 "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
        -p "$RPL_TEST_PG_PORT" -U replicad rpl_src -c 'drop table if exists cli_big;
create table cli_big (id integer primary key, d date not null, s text);
insert into cli_big select g, date '"'"'2022-01-01'"'"' + (g % 730), md5(g::text) from generate_series(1, 300000) g;' 2>&1); then
    ok "psql creates table cli_big (24 months, 300,000 rows) in the PostgreSQL source"
else
    not_ok "psql creates table cli_big in the PostgreSQL source" "$out"
fi
bigcfg=$work/big.json
write_config "$bigcfg" "$PG_SRC" "$work/right.pw" "Driver=SQLite3;Database=$work/big.db" "" \
    '[ { "name": "cli_big", "date_column": "d" } ]' \
    '"load": { "workers": 1, "create_missing_tables": true, "commit_rows": 1000000 }'
"$REPLICAD" -v -c "$bigcfg" run cli_big --from 2022-01-01 --to 2023-12-31 >"$tmp/int.out" 2>"$tmp/int.err" </dev/null &
run_pid=$!
for _ in $(seq 1 1200); do   # a state, not a time: the first partition done (60 s at most)
    grep -q 'state=done' "$tmp/int.err" && break
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.05
done
kill -INT "$run_pid" 2>/dev/null
wait "$run_pid"
status=$?
cat "$tmp/int.err" >>"$work/all.err"
problems=""
[ "$status" = 1 ] || problems+="exit status $status, expected 1"$'\n'
grep -qE '^replicad: interrupted: [0-9]+ of 24 partitions done, [1-9][0-9]* not loaded \(rolled back\); run the same command again to resume job ' \
    "$tmp/int.err" || problems+="no line saying how to resume"$'\n'
! grep -q 'failed' "$tmp/int.err" "$tmp/int.out" || problems+="something says failed"$'\n'
grep -qE '^2022-0[1-9]-01\.\.[0-9-]+ +done ' "$tmp/int.out" || problems+="no partition done in the account"$'\n'
grep -qE ' interrupted ' "$tmp/int.out" || problems+="no partition interrupted in the account"$'\n'
! grep -E ' interrupted ' "$tmp/int.out" | grep -qvE '^[0-9.-]+ +interrupted +[0-9]+ +0 ' \
    || problems+="an interrupted partition counts rows as written that were rolled back"$'\n'
# the ledger (in the SQLite target) says interrupted, and counts what committed: the
# rows of the partitions done, which the target holds
int_job=$(sed -n 's/^replicad: interrupted: .* resume job \([^ ]*\)$/\1/p' "$tmp/int.err")
kept_rows=$(awk '$2 == "done" { s += $4 } END { print s + 0 }' "$tmp/int.out")
ledger_row=$(sqlite3 "$work/big.db" "select state || ' ' || rows_written from replicad_jobs where id = '$int_job'" 2>&1)
target_rows=$(sqlite3 "$work/big.db" 'select count(*) from cli_big' 2>&1)
[ "$ledger_row" = "interrupted $kept_rows" ] && [ "$target_rows" = "$kept_rows" ] \
    || problems+="ledger job '$int_job': '$ledger_row', target rows $target_rows, expected interrupted with $kept_rows"$'\n'
if [ -z "$problems" ]; then
    ok "run: Ctrl-C mid-backfill leaves partitions interrupted, not failed, and says how to resume"
else
    not_ok "run: Ctrl-C mid-backfill leaves partitions interrupted, not failed, and says how to resume" \
        "$(printf '%s--- stdout:\n%s\n--- stderr:\n%s' "$problems" "$(head -c 4000 "$tmp/int.out")" "$(head -c 4000 "$tmp/int.err")")"
fi
run_case "run: the same command resumes the interrupted job and finishes it, progress counting skipped partitions as done" 0 \
    "err:resumed job" "outre: skipped " "noerrre:failed" "errre:^progress .*partitions_done=24/24 " \
    -- "$REPLICAD" -c "$bigcfg" run cli_big --from 2022-01-01 --to 2023-12-31

# ---------------------------------------------------------------- usage --------

version=$(sed -n "s/^[[:space:]]*version:[[:space:]]*'\([^']*\)'.*/\1/p" "$here/../../meson.build" 2>/dev/null | head -n 1)
[ -n "$version" ] || version='[0-9]+\.[0-9]+\.[0-9]+'
run_case "replicad --help exits 0 and prints Usage" 0 "out:Usage" -- "$REPLICAD" --help
run_case "replicactl --help exits 0 and prints Usage" 0 "out:Usage" -- "$REPLICACTL" --help
run_case "replicad --version prints the version" 0 "outre:^replicad ${version//./\\.}\$" -- "$REPLICAD" --version
run_case "replicactl --version prints the version" 0 "outre:^replicactl ${version//./\\.}\$" -- "$REPLICACTL" --version
run_case "replicad bogus exits 2 naming the command" 2 "err:bogus" -- "$REPLICAD" -c "$cfg" bogus
run_case "replicad run without a table exits 2 saying a table is needed" 2 \
    "err:run" "err:table" -- "$REPLICAD" -c "$cfg" run
run_case "replicad run --from after --to exits 2 naming both dates" 2 \
    "err:2024-02-01" "err:2024-01-01" -- "$REPLICAD" -c "$cfg" run cli_sales --from 2024-02-01 --to 2024-01-01
run_case "replicactl on a missing socket exits 1 naming the socket path" 1 \
    "err:/nonexistent.sock" -- "$REPLICACTL" -s /nonexistent.sock status

# ---------------------------------------------------------------- core dumps ---
# The service holds the passwords, so it writes no core dump (issue #19): its core
# limit is 0 and it is not dumpable, which shows as /proc/PID owned by root while the
# process runs as another user (here nobody; only root can arrange that).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    nd=$(mktemp -d /tmp/rpl-nodump.XXXXXX)
    chmod 0755 "$nd"
    mkdir "$nd/state"
    printf '%s\n' "$OTHER_PW" >"$nd/nobody.pw"
    chmod 0600 "$nd/nobody.pw"
    write_config "$nd/cfg.json" "$PG_SRC" "$nd/nobody.pw" "Driver=SQLite3;Database=$nd/state/t.db" "" "$SALES"
    sed -i "s|^  \"state_dir\": .*|  \"state_dir\": $(jstr "$nd/state"),|; s|$work/replicad.sock|$nd/nd.sock|" "$nd/cfg.json"
    chown -R nobody "$nd"
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$REPLICAD" -c "$nd/cfg.json" serve 2>"$nd/err" &
    nd_pid=$!
    for _ in $(seq 600); do [ -S "$nd/nd.sock" ] && break; kill -0 "$nd_pid" 2>/dev/null || break; sleep 0.1; done
    problems=""
    [ -S "$nd/nd.sock" ] || problems+="serve as nobody did not listen: $(head -c 2000 "$nd/err")"$'\n'
    [ "$(stat -c %u "/proc/$nd_pid/status" 2>/dev/null)" = 0 ] ||
        problems+="/proc/$nd_pid/status is owned by uid $(stat -c %u "/proc/$nd_pid/status" 2>&1), expected 0 (not dumpable)"$'\n'
    grep -qE '^Max core file size +0 +0 ' "/proc/$nd_pid/limits" 2>/dev/null ||
        problems+="core limit: $(grep 'core' "/proc/$nd_pid/limits" 2>&1)"$'\n'
    kill "$nd_pid" 2>/dev/null; wait "$nd_pid" 2>/dev/null
    if [ -z "$problems" ]; then ok "serve (as nobody) is not dumpable and has a core limit of 0"
    else not_ok "serve (as nobody) is not dumpable and has a core limit of 0" "$problems"; fi
    rm -rf -- "$nd"
fi

# ---------------------------------------------------------------- hostile answers
# Whatever listens on the socket may answer with numbers no job has (issue #19):
# replicactl checks each before converting it (under UBSan, (long long)1e300 would
# stop it), prints the rest and says on stderr which key it could not show.
cat >"$work/hostile.py" <<'PY'
import json, os, socket, sys
big, job = 1e300, {"job": "J1", "table": "t", "kind": "backfill", "origin": "rpc", "state": "done",
                   "range": {"from": "2024-01-01", "to": "2024-01-31"}, "submitted": "-"}
for k in ("partitions", "partitions_done", "rows_written", "rows_per_s", "eta_s"):
    job[k] = big
job["account"] = {"partitions": [{"range": "2024-01", "state": "done", "rows_read": -big, "rows_written": big,
                                  "bytes": big, "attempts": big, "ms": {"TOTAL": big}}],
                  "totals": {"rows_read": big, "rows_written": big, "ms": -big}}
status = {"version": "x", "pid": big, "uptime_s": big, "workers": big,
          "jobs": {"running": 9223372036854775807, "cancelling": 9223372036854775807, "failed": -big}}
answers = {"daemon.status": status, "job.list": {"jobs": [job]}, "job.get": job, "job.submit": job}
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1] + ".tmp"); s.listen(8); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    f = c.makefile("rwb")
    for line in f:
        req = json.loads(line)
        f.write(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": answers[req["method"]]}).encode() + b"\n")
        f.flush()
    c.close()
PY
python3 "$work/hostile.py" "$work/hostile.sock" &
hostile_pid=$!
for _ in $(seq 600); do [ -S "$work/hostile.sock" ] && break; kill -0 "$hostile_pid" 2>/dev/null || break; sleep 0.1; done
for args in status jobs "show J1" "watch J1" "submit t --day 2024-01-01"; do
    # shellcheck disable=SC2086
    run_case "replicactl $args: 1e300 in the answer is shown as 0, named on stderr, no undefined behaviour" 0 \
        "errre:the answer's \"[a-z_A-Z]+\" is -?1e\+?300, not a number" -- "$REPLICACTL" -s "$work/hostile.sock" $args
done
kill "$hostile_pid" 2>/dev/null; wait "$hostile_pid" 2>/dev/null

# ---------------------------------------------------------------- end ----------

PGPASSWORD="$PW" PGCONNECT_TIMEOUT=10 "$PSQL" -X -q -h 127.0.0.1 -p "$RPL_TEST_PG_PORT" -U replicad rpl_src \
    -c 'drop table if exists cli_sales, cli_inh_c, cli_inh_p' >/dev/null 2>&1 || true
# ---------------------------------------------------------------- logfmt -------
# every level= line any case above wrote (the -vv ones quote SQL identifiers)

if lint=$("$LOGFMT_LINT" --min 10 "$work/all.err" 2>&1); then
    ok "every log line on stderr is valid logfmt ($(tail -n 1 <<<"$lint"))"
else
    not_ok "every log line on stderr is valid logfmt" "$lint"
fi

# ---------------------------------------------------------------- end ----------

PGPASSWORD="$PW" PGCONNECT_TIMEOUT=10 "$PSQL" -X -q -h 127.0.0.1 -p "$RPL_TEST_PG_PORT" -U replicad rpl_src \
    -c 'drop table if exists cli_sales, cli_big, cli_rules, cli_txt, cli_int' >/dev/null 2>&1 || true
rm -rf -- "$work"

echo "1..$n"
if [ "$failed" -ne 0 ]; then
    echo "$prog: $failed of $n checks failed" >&2
    exit 1
fi
exit 0
