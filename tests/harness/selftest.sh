#!/usr/bin/env bash
# tests/harness/selftest.sh: check that the servers and ODBC drivers set up by
# tests/harness/servers.sh answer, before any integration test relies on them.
#
#   tests/harness/with-servers tests/harness/selftest.sh
#
# Needs the environment from DIR/env (with-servers provides it). Checks, with TAP
# output on stdout:
#   - psql (PGPASSWORD) runs `select 1` on rpl_src and rpl_dst as replicad, and
#     replicad can create and drop a table and an index;
#   - the mariadb client does the same over TCP, and replicad may create and drop a
#     database named rpl_*;
#   - unixODBC resolves the drivers from $ODBCSYSINI/odbcinst.ini (not /etc), psqlODBC
#     has no CommLog there, and isql connects through "PostgreSQL Unicode",
#     "MariaDB Unicode" and "SQLite3" (a temporary file).
# A missing variable or a server that does not answer is a failure, never a skip.
set -uo pipefail

prog=selftest.sh
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

required=(
    ODBCSYSINI ODBCINI RPL_TEST_DIR RPL_TEST_PASSWORD
    RPL_TEST_PG_PORT RPL_TEST_PG_SRC RPL_TEST_PG_DST
    RPL_TEST_PG_CONNINFO_SRC RPL_TEST_PG_CONNINFO_DST
    RPL_TEST_MARIADB_PORT RPL_TEST_MARIADB_SRC RPL_TEST_MARIADB_DST
)
missing=()
for v in "${required[@]}"; do
    [ -n "${!v:-}" ] || missing+=("$v")
done
if [ "${#missing[@]}" -ne 0 ]; then
    echo "1..1"
    echo "not ok 1 - test environment is set"
    echo "$prog: FAILED: not set: ${missing[*]}" >&2
    echo "$prog: run it under the harness: tests/harness/with-servers $0" >&2
    exit 1
fi

PSQL=${RPL_TEST_PSQL:-psql}
MARIADB=${RPL_TEST_MARIADB_CLIENT:-mariadb}
for tool in "$PSQL" "$MARIADB" isql odbcinst; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        not_ok "tool $tool is installed" "run tools/install-deps.sh (packages postgresql-client, mariadb-client, unixodbc)"
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rpl-selftest.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# ---------------------------------------------------------------- PostgreSQL ---

pg() { # pg CONNINFO SQL: run SQL as replicad over TCP, print the result
    PGPASSWORD="$RPL_TEST_PASSWORD" PGCONNECT_TIMEOUT=10 \
        "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1
}

for db in SRC DST; do
    var=RPL_TEST_PG_CONNINFO_$db
    if out=$(pg "${!var}" 'select 1') && [ "$out" = 1 ]; then
        ok "PostgreSQL answers select 1 ($var: ${!var})"
    else
        not_ok "PostgreSQL answers select 1 ($var: ${!var})" "$out"
    fi
done
if out=$(pg "$RPL_TEST_PG_CONNINFO_SRC" "create table rpl_selftest (id int primary key, v text);
create index rpl_selftest_v on rpl_selftest (v);
insert into rpl_selftest values (1, 'x');
drop table rpl_selftest;"); then
    ok "PostgreSQL: replicad creates and drops a table and an index in rpl_src"
else
    not_ok "PostgreSQL: replicad creates and drops a table and an index in rpl_src" "$out"
fi

# ---------------------------------------------------------------- MariaDB ------

my() { # my DATABASE SQL
    "$MARIADB" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$RPL_TEST_MARIADB_PORT" \
        -u replicad --password="$RPL_TEST_PASSWORD" --connect-timeout=10 -N -B \
        -e "$2" "$1" 2>&1
}

for db in rpl_src rpl_dst; do
    if out=$(my "$db" 'select 1') && [ "$out" = 1 ]; then
        ok "MariaDB answers select 1 (127.0.0.1:$RPL_TEST_MARIADB_PORT, $db)"
    else
        not_ok "MariaDB answers select 1 (127.0.0.1:$RPL_TEST_MARIADB_PORT, $db)" "$out"
    fi
done
scratch="rpl_selftest_$$"
if out=$(my rpl_src "create table rpl_selftest (id int primary key, v varchar(10));
create index rpl_selftest_v on rpl_selftest (v);
insert into rpl_selftest values (1, 'x');
drop table rpl_selftest;
create database $scratch;
drop database $scratch;"); then
    ok "MariaDB: replicad creates and drops a table, an index and a database rpl_*"
else
    not_ok "MariaDB: replicad creates and drops a table, an index and a database rpl_*" "$out"
fi

# ---------------------------------------------------------------- ODBC ---------

ini="$ODBCSYSINI/odbcinst.ini"
out=$(odbcinst -j 2>&1)
if grep -q "^DRIVERS\.*: $ini\$" <<<"$out"; then
    ok "unixODBC reads drivers from $ini"
else
    not_ok "unixODBC reads drivers from $ini" "$out"
fi
drivers=$(odbcinst -q -d 2>&1)
for d in "PostgreSQL Unicode" "MariaDB Unicode" "SQLite3" "FreeTDS"; do
    so=$(awk -v s="[$d]" '$0 == s { f = 1; next } /^\[/ { f = 0 } f && /^Driver=/ { sub(/^Driver=/, ""); print }' "$ini" 2>/dev/null)
    if grep -qxF "[$d]" <<<"$drivers" && [ -n "$so" ] && [ -f "$so" ]; then
        ok "driver \"$d\" is registered ($so)"
    else
        not_ok "driver \"$d\" is registered with an existing library" "$drivers"
    fi
done
if grep -qi '^[[:space:]]*CommLog[[:space:]]*=[[:space:]]*[1-9yY]' "$ini"; then
    not_ok "psqlODBC has no CommLog in $ini" "$(grep -i commlog "$ini")"
else
    ok "psqlODBC has no CommLog in $ini"
fi

# grep -q reads from here-strings, not pipes: it exits at the first match, and under
# pipefail the writer's SIGPIPE then failed a check that had passed (seen once in CI).
odbc_select1() { # odbc_select1 DESCRIPTION CONNECTION-STRING
    local out status
    out=$(printf 'select 1\n' | timeout 30 isql -b -v -k "$2" 2>&1)
    status=$?
    # isql -b prints result rows as `| value |` lines, or bare values
    if [ "$status" -eq 0 ] && grep -Eq '^[|[:space:]]*1[|[:space:]]*$' <<<"$out"; then
        ok "$1"
    else
        not_ok "$1" "exit $status: $out"
    fi
}

odbc_select1 "ODBC \"PostgreSQL Unicode\" connects to rpl_src" \
    "$RPL_TEST_PG_SRC;Pwd=$RPL_TEST_PASSWORD"
odbc_select1 "ODBC \"PostgreSQL Unicode\" connects to rpl_dst" \
    "$RPL_TEST_PG_DST;Pwd=$RPL_TEST_PASSWORD"
odbc_select1 "ODBC \"MariaDB Unicode\" connects to rpl_src" \
    "$RPL_TEST_MARIADB_SRC;Pwd=$RPL_TEST_PASSWORD"
odbc_select1 "ODBC \"MariaDB Unicode\" connects to rpl_dst" \
    "$RPL_TEST_MARIADB_DST;Pwd=$RPL_TEST_PASSWORD"
odbc_select1 "ODBC \"SQLite3\" opens a temporary database file" \
    "Driver=SQLite3;Database=$tmp/selftest.db"
if [ -f "$tmp/selftest.db" ]; then
    ok "the SQLite3 driver created $tmp/selftest.db"
else
    not_ok "the SQLite3 driver created $tmp/selftest.db" ""
fi

echo "1..$n"
if [ "$failed" -ne 0 ]; then
    echo "$prog: $failed of $n checks failed" >&2
    exit 1
fi
exit 0
