#!/usr/bin/env bash
# tests/integration/test_dryrun.sh: `replicad run --dry-run` prints what a run sends
# (issue #16). For one table and one month, copied from PostgreSQL into each target
# engine, the statements the dry run lists for the partition are compared with the
# statements the servers logged for a real run of the same table and range: same
# statements, same order, same text. As TAP on stdout.
#
#   tests/harness/with-servers tests/integration/test_dryrun.sh REPLICAD
#
# How the run's statements are collected:
#   - PostgreSQL (the source always, the target for the PostgreSQL case): log_statement
#     'all' for role replicad in rpl_src and rpl_dst only (ALTER ROLE … IN DATABASE, as
#     the harness's superuser over the socket; reset at the end), read from the
#     server's log between two marks; the statements of one backend (its [pid]): the
#     one that ran the COPY (the libpq source and the libpq sink each have their own).
#   - MariaDB (target): the general log into mysql.general_log (as root over the
#     socket; switched off at the end), the Query lines of the connection that ran the
#     LOAD DATA, from the partition's DELETE to its last COMMIT. Connector/ODBC adds
#     statements of its own on that connection (SET autocommit, the session's setup):
#     those are dropped, by the patterns in driver_noise below, and said so here.
#   - MariaDB (source, one more case into PostgreSQL): the general log's Execute
#     lines of the connection that executed the partition's SELECT (libmariadb
#     prepares it, and at the start prepares the whole table's once to check its
#     columns, which is not run; the connection's own setup is not a statement of
#     the copy's): the statements executed are compared.
#   - SQLite (target): there is no server to log; only the source's statements are
#     compared for it, and the target's partition statements are checked to be the
#     SQLite sink's (BEGIN, DELETE, INSERT, the done-mark, COMMIT). Said honestly: the
#     SQLite target's text is not compared with what the library ran.
# Not compared: the ODBC-only paths (load.bulk "odbc"). The drivers rewrite what they
# are sent before the server sees it (psqlODBC prefixes BEGIN; to the first statement
# of a transaction, wraps a SELECT in DECLARE CURSOR … FETCH, and sends a parameter
# array as one INSERT a row with the values inlined), so the log shows the driver's
# text, not replicad's; the dry run prints replicad's.
# What is normalized before comparing, because it legitimately differs: whitespace
# (the dry run breaks long statements into lines), the done-mark's job id, counts,
# milliseconds and timestamps, and the memory file's descriptor number in LOAD DATA.
# The table is small enough for one chunk and commit_rows large enough for no
# intermediate commit, so statements sent "for each chunk" appear once and the
# dry run's "every N rows written" statements do not appear in the run: they are left
# out of the comparison (and their presence in the dry run is not checked here).
set -u

prog=test_dryrun.sh
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1))
    echo "not ok $n - $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
    echo "$prog: FAILED: $1" >&2
}

REPLICAD=${1:-}
required=(ODBCSYSINI RPL_TEST_DIR RPL_TEST_PASSWORD RPL_TEST_PSQL RPL_TEST_PG_PORT RPL_TEST_PG_SOCKET_DIR
          RPL_TEST_PG_SRC RPL_TEST_PG_DST RPL_TEST_MARIADB_SRC RPL_TEST_MARIADB_DST RPL_TEST_MARIADB_CLIENT
          RPL_TEST_MARIADB_SOCKET)
missing=()
for v in "${required[@]}"; do [ -n "${!v:-}" ] || missing+=("$v"); done
if [ "${#missing[@]}" -gt 0 ] || [ ! -x "$REPLICAD" ]; then
    echo "1..1"
    echo "not ok 1 - test environment is set"
    echo "#   not set: ${missing[*]}; usage: $prog REPLICAD (under tests/harness/with-servers)"
    exit 1
fi

work=$(mktemp -d "$RPL_TEST_DIR/dryrun.XXXXXX")
mkdir -p "$work/state"
printf '%s\n' "$RPL_TEST_PASSWORD" >"$work/pw"
chmod 0600 "$work/pw"
PGLOG=$RPL_TEST_DIR/pg/server.log

su_psql() { # su_psql DB SQL: as the superuser over the socket
    "$RPL_TEST_PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -h "$RPL_TEST_PG_SOCKET_DIR" -p "$RPL_TEST_PG_PORT" \
        -U postgres -d "$1" -c "$2"
}
my_root() { "$RPL_TEST_MARIADB_CLIENT" --socket="$RPL_TEST_MARIADB_SOCKET" -u root -N -B -r -e "$1"; }

cleanup() {
    su_psql postgres "ALTER ROLE replicad IN DATABASE rpl_src RESET log_statement" >/dev/null 2>&1
    su_psql postgres "ALTER ROLE replicad IN DATABASE rpl_dst RESET log_statement" >/dev/null 2>&1
    my_root "SET GLOBAL general_log = 0" >/dev/null 2>&1
}
trap cleanup EXIT

jstr() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
write_config() { # write_config FILE TARGET-ODBC [SOURCE-ODBC]
    cat >"$1" <<JSON
{
  "source": { "odbc": $(jstr "${3:-$RPL_TEST_PG_SRC}"), "password_file": $(jstr "$work/pw") },
  "target": { "odbc": $(jstr "$2"), "password_file": $(jstr "$work/pw") },
  "tables": [ { "name": "dr_sales", "date_column": "sale_date" } ],
  "load": { "commit_rows": 1000000, "disable_indexes": false, "workers": 1, "create_missing_tables": true },
  "state_dir": $(jstr "$work/state"),
  "socket": $(jstr "$work/replicad.sock")
}
JSON
}

# normalize: one statement a line on stdin, the parts that legitimately differ replaced
normalize() {
    sed -E -e 's/[[:space:]]+/ /g' -e 's/^ //' -e 's/ $//' \
        -e "s#/proc/self/fd/[0-9N]+#/proc/self/fd/N#g" \
        -e "/^UPDATE replicad_partitions/ { s/'[^']*'/'X'/g; s/= -?[0-9]+/= N/g; }" \
        -e "/^SET application_name/ { s/'[^']*'/'X'/g; }"
}

# dry_statements FILE SIDE: the partition's statements of SIDE (target or source) in
# the dry run's output, one a line, without those sent only every commit_rows rows
dry_statements() {
    awk -v side="$2" '
        /^-- ---- partition 1 of/ { inpart = 1; next }
        /^-- ==== job end/ { inpart = 0 }
        !inpart { next }
        /^-- [0-9]+\. (target|source): / { if (cur != "") print cur; cur = ""; take = ($3 == side ":") && ($0 !~ /: every [0-9]+ rows written/); instmt = 1; next }
        /^--/ { next }
        /^$/ { if (cur != "") print cur; cur = ""; take = 0; next }
        take { cur = (cur == "" ? $0 : cur " " $0) }
        END { if (cur != "") print cur }' "$1" | normalize
}

# pg_statements FROM-LINE DB-MATCH: the statements of the backend that sent a
# statement matching DB-MATCH, logged after line FROM of the server's log
pg_statements() {
    local from=$1 match=$2 pid
    pid=$(tail -n +"$from" "$PGLOG" | grep -E "LOG:  statement: .*$match" | head -n 1 | sed -E 's/^[^[]*\[([0-9]+)\].*/\1/')
    [ -n "$pid" ] || return 1
    tail -n +"$from" "$PGLOG" | grep -F "[$pid] " | grep -F "LOG:  statement: " | sed -E 's/^.*LOG:  statement: //' | normalize
}

# driver_noise: what Connector/ODBC sends on its own (dropped from the MariaDB log)
driver_noise='^(SET autocommit|SET NAMES|SET SESSION|SET @@|SELECT @@|SHOW VARIABLES|SET sql_mode)'

# my_statements: the Query lines of the connection that ran the LOAD DATA, from the
# partition's running-mark (which records that connection for fencing) or, if none,
# its DELETE, to the COMMIT after its done-mark; without the worker's read of the
# job's expired claims (fencing), which the dry run names in a note (on a MariaDB
# target the worker's ledger connection is the load session)
my_statements() {
    local tid
    tid=$(my_root "SELECT thread_id FROM mysql.general_log WHERE command_type = 'Query' AND argument LIKE 'LOAD DATA%' ORDER BY event_time LIMIT 1")
    [ -n "$tid" ] || return 1
    my_root "SELECT REPLACE(REPLACE(CONVERT(argument USING utf8mb4), '\n', ' '), '\t', ' ') FROM mysql.general_log WHERE thread_id = $tid AND command_type IN ('Query', 'Execute') ORDER BY event_time" |
        grep -Ev "$driver_noise" | grep -Ev '^SELECT load_session, load_tag FROM replicad_partitions' | normalize |
        awk '/^DELETE FROM/ || /^UPDATE replicad_partitions SET state = .X., attempts = N, updated_at = .X., load_session/ { on = 1 }
             on { print } on && /^COMMIT$/ && seen { exit } /^UPDATE replicad_partitions SET state = .X., attempts = N, rows_read/ { seen = 1 }'
}

# my_src_statements: the statements the connection that executed the partition's
# SELECT (its range's WHERE: not the run's count of NULL dates on the control
# connection) executed (Execute lines), in order
my_src_statements() {
    local tid
    tid=$(my_root "SELECT thread_id FROM mysql.general_log WHERE command_type = 'Execute' AND argument LIKE CONCAT('SELECT %FROM ', CHAR(96), 'dr_sales', CHAR(96), ' WHERE ', CHAR(96), 'sale_date', CHAR(96), ' >=%') ORDER BY event_time LIMIT 1")
    [ -n "$tid" ] || return 1
    my_root "SELECT REPLACE(REPLACE(CONVERT(argument USING utf8mb4), '\n', ' '), '\t', ' ') FROM mysql.general_log WHERE thread_id = $tid AND command_type = 'Execute' ORDER BY event_time" | normalize
}

# the source table, one month of rows and one row each side of it
su_psql rpl_src "DROP TABLE IF EXISTS dr_sales" >/dev/null
su_psql rpl_src "CREATE TABLE dr_sales (id int PRIMARY KEY, sale_date date NOT NULL, amount numeric(12,2), note text);
 ALTER TABLE dr_sales OWNER TO replicad;
 INSERT INTO dr_sales SELECT g, date '2024-01-01' + (g % 31), g * 1.25, 'row ' || g FROM generate_series(1, 40) g;
 INSERT INTO dr_sales VALUES (100, '2023-12-31', 1, 'before'), (101, '2024-02-01', 2, 'after')" >/dev/null
my_root "DROP TABLE IF EXISTS rpl_src.dr_sales;
 CREATE TABLE rpl_src.dr_sales (id int PRIMARY KEY, sale_date date NOT NULL, amount decimal(12,2), note text);
 INSERT INTO rpl_src.dr_sales SELECT seq, DATE '2024-01-01' + INTERVAL (seq % 31) DAY, seq * 1.25, CONCAT('row ', seq)
   FROM seq_1_to_40;
 INSERT INTO rpl_src.dr_sales VALUES (100, '2023-12-31', 1, 'before'), (101, '2024-02-01', 2, 'after')"
su_psql postgres "ALTER ROLE replicad IN DATABASE rpl_src SET log_statement = 'all'"
su_psql postgres "ALTER ROLE replicad IN DATABASE rpl_dst SET log_statement = 'all'"

compare() { # compare WHAT DRY-FILE RUN-FILE
    if [ -s "$2" ] && diff -u "$2" "$3" >"$work/diff" 2>&1; then
        ok "$1: $(wc -l <"$2") statements, same order and text"
    else
        not_ok "$1" "dry run ($2) vs run ($3):
$(cat "$work/diff")"
    fi
}

check_target() { # check_target NAME TARGET-ODBC [SOURCE-ODBC]
    local name=$1 odbc=$2 cfg=$work/$1.json from
    write_config "$cfg" "$odbc" "${3:-}"
    # the target table exists: a table the run is to create gets the load its
    # columns call for once created, which a dry run cannot read (it says so)
    case $name in
        postgresql|mariadb-source) su_psql rpl_dst "DROP TABLE IF EXISTS dr_sales;
            CREATE TABLE dr_sales (id int PRIMARY KEY, sale_date date NOT NULL, amount numeric(12,2), note text);
            ALTER TABLE dr_sales OWNER TO replicad" >/dev/null ;;
        mariadb) my_root "DROP TABLE IF EXISTS rpl_dst.dr_sales; CREATE TABLE rpl_dst.dr_sales (id int PRIMARY KEY,
            sale_date date NOT NULL, amount decimal(12,2), note text) DEFAULT CHARSET=utf8mb4" ;;
        sqlite) rm -f "$work/dr.db" ;;   # created by the run: SQLite's sink has one statement form
    esac
    if ! "$REPLICAD" -c "$cfg" run dr_sales --from 2024-01-01 --to 2024-01-31 --dry-run >"$work/$name.dry" 2>"$work/$name.dry.err"; then
        not_ok "$name: dry run" "$(cat "$work/$name.dry.err")"
        return
    fi
    case $name in mariadb*) my_root "SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1" ;; esac
    from=$(($(wc -l <"$PGLOG") + 1))
    if ! "$REPLICAD" -c "$cfg" run dr_sales --from 2024-01-01 --to 2024-01-31 >"$work/$name.out" 2>"$work/$name.err"; then
        not_ok "$name: run" "$(cat "$work/$name.err")"
        return
    fi
    case $name in mariadb*) my_root "SET GLOBAL general_log = 0" &&
        my_root "SELECT thread_id, command_type, LEFT(argument, 100) FROM mysql.general_log ORDER BY event_time" >"$work/$name.general_log" ;; esac
    dry_statements "$work/$name.dry" source >"$work/$name.dry.src"
    if [ "$name" = mariadb-source ]; then
        my_src_statements >"$work/$name.run.src" || : >"$work/$name.run.src"
    else
        pg_statements "$from" "TO STDOUT" >"$work/$name.run.src" || : >"$work/$name.run.src"
    fi
    compare "$name: source statements" "$work/$name.dry.src" "$work/$name.run.src"
    dry_statements "$work/$name.dry" target >"$work/$name.dry.dst"
    case $name in
        postgresql|mariadb-source) pg_statements "$from" "FROM STDIN" >"$work/$name.run.dst" || : >"$work/$name.run.dst" ;;
        mariadb) my_statements >"$work/$name.run.dst" || : >"$work/$name.run.dst" ;;
        sqlite) sed -E 's/ .*//' "$work/$name.dry.dst" | tr '\n' ' ' >"$work/$name.run.dst"
                if [ "$(cat "$work/$name.run.dst")" = "BEGIN DELETE INSERT UPDATE COMMIT " ]; then
                    ok "sqlite: target statements are the SQLite sink's (not compared with a log: see the header)"
                else
                    not_ok "sqlite: target statements" "$(cat "$work/$name.dry.dst")"
                fi
                return ;;
    esac
    compare "$name: target statements" "$work/$name.dry.dst" "$work/$name.run.dst"
}

# check_types: a PostgreSQL target missing the table and the enum and domain its
# columns use: the dry run's CREATE TYPE and CREATE DOMAIN are the ones the run sends
check_types() {
    local cfg=$work/types.json from
    su_psql rpl_src "DROP TABLE IF EXISTS dr_typed; DROP TYPE IF EXISTS dr_mood; DROP DOMAIN IF EXISTS dr_code;
     CREATE TYPE dr_mood AS ENUM ('sad', 'ok', 'happy');
     CREATE DOMAIN dr_code AS varchar(8) NOT NULL CHECK (VALUE <> '');
     CREATE TABLE dr_typed (id int PRIMARY KEY, sale_date date NOT NULL, mood dr_mood, code dr_code);
     ALTER TABLE dr_typed OWNER TO replicad;
     INSERT INTO dr_typed VALUES (1, '2024-01-02', 'ok', 'A1'), (2, '2024-01-03', 'happy', 'B2')" >/dev/null
    su_psql rpl_dst "DROP TABLE IF EXISTS dr_typed; DROP TYPE IF EXISTS dr_mood; DROP DOMAIN IF EXISTS dr_code" >/dev/null
    write_config "$cfg" "$RPL_TEST_PG_DST"
    sed -i 's/"dr_sales"/"dr_typed"/' "$cfg"
    if ! "$REPLICAD" -c "$cfg" run dr_typed --from 2024-01-01 --to 2024-01-31 --dry-run >"$work/types.dry" 2>"$work/types.dry.err"; then
        not_ok "created types: dry run" "$(cat "$work/types.dry.err")"
        return
    fi
    from=$(($(wc -l <"$PGLOG") + 1))
    if ! "$REPLICAD" -c "$cfg" run dr_typed --from 2024-01-01 --to 2024-01-31 >"$work/types.out" 2>"$work/types.err"; then
        not_ok "created types: run" "$(cat "$work/types.err")"
        return
    fi
    grep -E '^CREATE (TYPE|DOMAIN) ' "$work/types.dry" | normalize >"$work/types.dry.stmts"
    tail -n +"$from" "$PGLOG" | grep -F "LOG:  statement: CREATE " | sed -E 's/^.*LOG:  statement: //' |
        grep -E '^CREATE (TYPE|DOMAIN) ' | normalize >"$work/types.run.stmts"
    compare "created types: CREATE TYPE and CREATE DOMAIN" "$work/types.dry.stmts" "$work/types.run.stmts"
}

# check_no_file: a dry run makes nothing, not even the SQLite target file a run
# would make (connecting through sqliteodbc makes it): run's dry run says the file
# is to be made; verify's and scan's fail naming it, as they do without --dry-run
check_no_file() {
    local cfg=$work/nofile.json db=$work/nofile.db c rc
    write_config "$cfg" "Driver=SQLite3;Database=$db"
    rm -f "$db"
    for c in run verify scan; do
        rc=0
        "$REPLICAD" -c "$cfg" "$c" dr_sales --from 2024-01-01 --to 2024-01-31 --dry-run >"$work/nofile.$c" 2>&1 || rc=$?
        if [ -e "$db" ]; then
            not_ok "$c --dry-run into a SQLite file that does not exist makes no file" "$db was made (exit $rc)"
            rm -f "$db"
        elif [ "$c" = run ] && { [ "$rc" -ne 0 ] || ! grep -q "does not exist yet" "$work/nofile.$c"; }; then
            not_ok "run --dry-run into a SQLite file that does not exist says a run makes it" "exit $rc: $(head -c 2000 "$work/nofile.$c")"
        elif [ "$c" != run ] && { [ "$rc" -ne 1 ] || ! grep -qF "$db does not exist" "$work/nofile.$c"; }; then
            not_ok "$c --dry-run into a SQLite file that does not exist fails naming it" "exit $rc: $(head -c 2000 "$work/nofile.$c")"
        else
            ok "$c --dry-run into a SQLite file that does not exist makes no file (exit $rc)"
        fi
    done
}

echo "1..12"
check_no_file
check_target postgresql "$RPL_TEST_PG_DST"
check_target mariadb "$RPL_TEST_MARIADB_DST"
check_target sqlite "Driver=SQLite3;Database=$work/dr.db"
check_target mariadb-source "$RPL_TEST_PG_DST" "$RPL_TEST_MARIADB_SRC"
check_types
[ "$failed" -eq 0 ] || echo "$prog: $failed of $n failed; files in $work" >&2
exit $((failed > 0))
