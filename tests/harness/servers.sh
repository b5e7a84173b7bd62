#!/usr/bin/env bash
# tests/harness/servers.sh: start and stop throw-away PostgreSQL and MariaDB servers
# on 127.0.0.1 for the integration tests, and register the ODBC drivers for them
# without touching /etc/odbcinst.ini or /etc/odbc.ini.
#
#   servers.sh start DIR   DIR must be absent or empty (e.g. from mktemp -d). Picks two
#                          free ports, initialises and starts both servers inside DIR,
#                          creates user `replicad` (password rpl-test-pw) and databases
#                          rpl_src and rpl_dst on each, writes DIR/odbc/odbcinst.ini,
#                          an empty DIR/odbc/odbc.ini, DIR/env (`export NAME='value'`
#                          lines to source) and DIR/pids. Quiet on success; on failure
#                          prints the server's log tail, stops what it started and keeps
#                          DIR for inspection.
#   servers.sh stop DIR    Stops exactly the processes recorded in DIR (never by name),
#                          then removes DIR. Safe to call twice and after a failed start.
#
# As root the servers run as the existing users `postgres` and `mysql` (override with
# RPL_TEST_PG_USER / RPL_TEST_MARIADB_USER); otherwise as the current user.
# RPL_TEST_START_TIMEOUT (seconds, default 60) bounds each server's start.
#
# DIR layout: .rpl-servers (marker), pids ("postgresql PID" / "mariadb PID" lines),
# env, odbc/, pg/ (data/, server.log, the Unix socket), mariadb/ (data/, error.log,
# mariadb.sock, mariadbd.pid).
set -euo pipefail
umask 022

PASSWORD='rpl-test-pw'
START_TIMEOUT=${RPL_TEST_START_TIMEOUT:-60}
STOP_TIMEOUT=30

prog=servers.sh
say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Environment a caller may have set that would redirect our client calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE \
      PGSERVICEFILE PGOPTIONS PGSSLMODE PGTARGETSESSIONATTRS \
      MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD MYSQL_HISTFILE 2>/dev/null || true

is_root() { [ "$(id -u)" -eq 0 ]; }

# run_as USER CMD...: run CMD as USER when root, as ourselves otherwise.
run_as() {
    local user=$1; shift
    if is_root; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

# ---------------------------------------------------------------- processes ----

# proc_is_ours PID: PID is alive (not a zombie) and its command line names DIR.
# This is the guard that keeps stop from ever signalling anything it did not start.
proc_is_ours() {
    local pid=$1 state cmd
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [ -r "/proc/$pid/stat" ] || return 1
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ "$state" != Z ] && [ "$state" != X ] || return 1
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ "$cmd" == *"$DIR/"* ]]
}

# wait_gone PID SECONDS: wait until PID is no longer ours/alive; 0 if gone.
wait_gone() {
    local pid=$1 tenths=$(($2 * 10)) i
    for ((i = 0; i < tenths; i++)); do
        proc_is_ours "$pid" || return 0
        sleep 0.1
    done
    ! proc_is_ours "$pid"
}

recorded_pids() { # recorded_pids NAME: every PID recorded under NAME
    [ -f "$DIR/pids" ] || return 0
    awk -v n="$1" '$1 == n { print $2 }' "$DIR/pids"
}

record_pid() { # record_pid NAME PID
    printf '%s %s\n' "$1" "$2" >>"$DIR/pids"
}

# ----------------------------------------------------------------- binaries ----

find_pg_bindir() {
    if [ -n "${RPL_TEST_PG_BINDIR:-}" ]; then
        [ -x "$RPL_TEST_PG_BINDIR/postgres" ] || die "RPL_TEST_PG_BINDIR=$RPL_TEST_PG_BINDIR has no postgres binary"
        printf '%s\n' "$RPL_TEST_PG_BINDIR"; return
    fi
    if [ -x /usr/lib/postgresql/15/bin/postgres ]; then
        printf '%s\n' /usr/lib/postgresql/15/bin; return
    fi
    local d
    d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [ ! -x "$d/postgres" ]; then
        die "PostgreSQL server not found under /usr/lib/postgresql (run tools/install-deps.sh)"
    fi
    printf '%s\n' "$d"
}

find_exe() { # find_exe NAME... : first one on PATH, /usr/sbin or /usr/bin
    local n d
    for n in "$@"; do
        for d in $(printf '%s' "$PATH" | tr ':' ' ') /usr/sbin /usr/bin /sbin; do
            if [ -x "$d/$n" ]; then printf '%s\n' "$d/$n"; return 0; fi
        done
    done
    return 1
}

find_odbc_driver() { # find_odbc_driver FILE.so
    local f
    for f in /usr/lib/*/odbc/"$1" /usr/lib/odbc/"$1" /usr/lib64/odbc/"$1" /usr/lib64/"$1"; do
        if [ -f "$f" ]; then printf '%s\n' "$f"; return 0; fi
    done
    return 1
}

# ---------------------------------------------------------------- ports --------

# free_ports N: N distinct free TCP ports on 127.0.0.1.
free_ports() {
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
        return
    fi
    local out=() p
    while [ "${#out[@]}" -lt "$1" ]; do
        p=$((20000 + RANDOM % 20000))
        [[ " ${out[*]} " == *" $p "* ]] && continue
        [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] && out+=("$p")
    done
    echo "${out[*]}"
}

another_free_port() { # another_free_port EXCLUDED
    local p
    while :; do
        p=$(free_ports 1)
        [ "$p" != "$1" ] && { echo "$p"; return; }
    done
}

# ---------------------------------------------------------------- PostgreSQL ---

pg_conf_quote() { printf "'%s'" "${1//\'/\'\'}"; }

pg_start() {
    local bindir=$1 port=$2 attempt
    local pgdir="$DIR/pg" data="$DIR/pg/data" log="$DIR/pg/server.log"
    mkdir -p "$pgdir"
    is_root && chown "$PG_USER:" "$pgdir"
    chmod 0755 "$pgdir"

    if ! run_as "$PG_USER" "$bindir/initdb" -D "$data" -U postgres -E UTF8 --locale=C \
            --auth-local=trust --auth-host=scram-sha-256 -N >"$pgdir/initdb.log" 2>&1; then
        tail -n 30 "$pgdir/initdb.log" >&2
        die "PostgreSQL initdb failed (log: $pgdir/initdb.log)"
    fi
    {
        echo
        echo "# added by tests/harness/servers.sh"
        echo "listen_addresses = '127.0.0.1'"
        echo "unix_socket_directories = $(pg_conf_quote "$pgdir")"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
        echo "max_connections = 100"
        echo "password_encryption = 'scram-sha-256'"
        echo "log_min_messages = warning"
    } >>"$data/postgresql.conf"
    printf '%s\n' \
        "# tests/harness/servers.sh: superuser over the socket, passwords over TCP" \
        "local all all trust" \
        "host  all all 127.0.0.1/32 scram-sha-256" >"$data/pg_hba.conf"

    for attempt in 1 2 3; do
        : >"$log"
        is_root && chown "$PG_USER:" "$log"
        if run_as "$PG_USER" "$bindir/pg_ctl" -D "$data" -l "$log" -o "-p $port" \
                -w -t "$START_TIMEOUT" -s start >"$pgdir/pg_ctl.log" 2>&1; then
            break
        fi
        if [ -f "$data/postmaster.pid" ]; then
            # pg_ctl gave up waiting while a postmaster runs: stop it before failing
            run_as "$PG_USER" "$bindir/pg_ctl" -D "$data" -m immediate -w -t 10 -s stop >/dev/null 2>&1 || true
        fi
        if grep -q 'could not bind\|Address already in use' "$log" && [ "$attempt" -lt 3 ]; then
            port=$(another_free_port "$port")
            continue
        fi
        say "PostgreSQL did not start; last lines of $log:"
        tail -n 30 "$log" >&2
        cat "$pgdir/pg_ctl.log" >&2 || true
        die "PostgreSQL failed to start on 127.0.0.1:$port"
    done
    PG_PORT=$port
    PG_PID=$(head -n 1 "$data/postmaster.pid")
    record_pid postgresql "$PG_PID"

    if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t "$START_TIMEOUT"; then
        tail -n 30 "$log" >&2
        die "PostgreSQL does not accept TCP connections on 127.0.0.1:$PG_PORT"
    fi

    local pw_sql=${PASSWORD//\'/\'\'}
    if ! "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$pgdir" -p "$PG_PORT" -U postgres -d postgres \
            >"$pgdir/setup.log" 2>&1 <<SQL
CREATE ROLE replicad LOGIN CREATEDB PASSWORD '$pw_sql';
GRANT pg_read_all_stats, pg_signal_backend TO replicad;
CREATE DATABASE rpl_src OWNER replicad;
CREATE DATABASE rpl_dst OWNER replicad;
SQL
    then
        cat "$pgdir/setup.log" >&2
        die "PostgreSQL: creating user replicad and databases failed"
    fi
    PG_VERSION=$("$bindir/psql" -X -A -t -h "$pgdir" -p "$PG_PORT" -U postgres -d postgres \
        -c 'show server_version' 2>/dev/null | awk '{print $1}') || PG_VERSION=unknown
    echo "$PG_PORT" >"$pgdir/port"
    echo "$PG_PID" >"$pgdir/pid"
    echo "${PG_VERSION:-unknown}" >"$pgdir/version"
}

pg_stop() {
    local data="$DIR/pg/data" pid="" p bindir
    for p in $(recorded_pids postgresql); do
        proc_is_ours "$p" && pid=$p
    done
    # A start interrupted between launch and record: the postmaster's own pid file.
    if [ -z "$pid" ] && [ -f "$data/postmaster.pid" ]; then
        p=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
        proc_is_ours "$p" && pid=$p
    fi
    [ -n "$pid" ] || return 0
    bindir=$(dirname "$(readlink -f "/proc/$pid/exe" 2>/dev/null || echo /nonexistent/postgres)")
    if [ -x "$bindir/pg_ctl" ]; then
        run_as "$PG_USER" "$bindir/pg_ctl" -D "$data" -m fast -w -t "$STOP_TIMEOUT" -s stop \
            >/dev/null 2>&1 || true
    else
        kill -INT "$pid" 2>/dev/null || true # SIGINT = fast shutdown
    fi
    wait_gone "$pid" "$STOP_TIMEOUT" && return 0
    say "PostgreSQL (pid $pid) did not stop; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || say "warning: PostgreSQL pid $pid is still alive"
}

# ---------------------------------------------------------------- MariaDB ------

MARIADB_SERVER_OPTS=(
    --bind-address=127.0.0.1 --skip-networking=0 --skip-name-resolve
    --skip-log-bin --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2
    --innodb-doublewrite=0 --max-allowed-packet=256M --max-connections=200
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
)

mariadb_start() {
    local port=$1 attempt pid i ok
    local mdir="$DIR/mariadb" data="$DIR/mariadb/data" log="$DIR/mariadb/error.log"
    local sock="$DIR/mariadb/mariadb.sock" pidfile="$DIR/mariadb/mariadbd.pid"
    mkdir -p "$mdir/tmp"
    is_root && chown -R "$MARIADB_USER:" "$mdir"
    chmod 0755 "$mdir"

    if ! run_as "$MARIADB_USER" "$MARIADB_INSTALL_DB" --no-defaults --datadir="$data" \
            --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
            --tmpdir="$mdir/tmp" --skip-log-bin --innodb-doublewrite=0 \
            >"$mdir/install.log" 2>&1; then
        tail -n 30 "$mdir/install.log" >&2
        die "MariaDB mariadb-install-db failed (log: $mdir/install.log)"
    fi

    local launch=()
    if is_root; then
        launch=(setpriv --reuid="$MARIADB_USER" --regid="$MARIADB_USER" --init-groups --)
    fi
    for attempt in 1 2 3; do
        : >"$log"
        is_root && chown "$MARIADB_USER:" "$log"
        rm -f "$pidfile"
        # setsid: its own session, so a terminal's Ctrl-C reaches the harness, not it.
        setsid "${launch[@]}" "$MARIADBD" --no-defaults --datadir="$data" --port="$port" \
            --socket="$sock" --pid-file="$pidfile" --log-error="$log" --tmpdir="$mdir/tmp" \
            "${MARIADB_SERVER_OPTS[@]}" </dev/null >>"$mdir/stdout.log" 2>&1 &
        pid=$!
        record_pid mariadb "$pid"
        ok=0
        for ((i = 0; i < START_TIMEOUT * 10; i++)); do
            if "$MARIADB_ADMIN" --no-defaults --socket="$sock" -uroot --connect-timeout=2 \
                    ping >/dev/null 2>&1; then
                ok=1; break
            fi
            proc_is_ours "$pid" || break
            sleep 0.1
        done
        [ "$ok" -eq 1 ] && break
        if proc_is_ours "$pid"; then
            kill -KILL "$pid" 2>/dev/null || true
            wait_gone "$pid" 10 || true
        fi
        if grep -q 'Address already in use\|Bind on TCP/IP port' "$log" && [ "$attempt" -lt 3 ]; then
            port=$(another_free_port "$port")
            continue
        fi
        say "MariaDB did not start; last lines of $log:"
        tail -n 30 "$log" >&2
        die "MariaDB failed to start on 127.0.0.1:$port within ${START_TIMEOUT}s"
    done
    MARIADB_PORT=$port
    # The pid file is authoritative (setsid may fork when already a group leader).
    if [ -s "$pidfile" ]; then
        local real
        real=$(tr -dc '0-9' <"$pidfile")
        if [ -n "$real" ] && [ "$real" != "$pid" ]; then
            record_pid mariadb "$real"
            pid=$real
        fi
    fi
    MARIADB_PID=$pid

    local pw_sql=${PASSWORD//\'/\'\'}
    if ! "$MARIADB_CLIENT" --no-defaults --socket="$sock" -uroot --batch \
            >"$mdir/setup.log" 2>&1 <<SQL
CREATE USER 'replicad'@'127.0.0.1' IDENTIFIED BY '$pw_sql';
CREATE USER 'replicad'@'localhost' IDENTIFIED BY '$pw_sql';
CREATE DATABASE rpl_src;
CREATE DATABASE rpl_dst;
GRANT ALL PRIVILEGES ON \`rpl\\_%\`.* TO 'replicad'@'127.0.0.1', 'replicad'@'localhost';
GRANT PROCESS, RELOAD ON *.* TO 'replicad'@'127.0.0.1', 'replicad'@'localhost';
-- a source user allowed one connection: keyset slices without their second one
CREATE USER 'rpl_oneconn'@'127.0.0.1' IDENTIFIED BY '$pw_sql' WITH MAX_USER_CONNECTIONS 1;
GRANT SELECT ON rpl_src.* TO 'rpl_oneconn'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
    then
        cat "$mdir/setup.log" >&2
        die "MariaDB: creating user replicad and databases failed"
    fi
    MARIADB_VERSION=$("$MARIADB_CLIENT" --no-defaults --socket="$sock" -uroot -N -B \
        -e 'select version()' 2>/dev/null) || MARIADB_VERSION=unknown
    echo "$MARIADB_PORT" >"$mdir/port"
    echo "$MARIADB_PID" >"$mdir/pid"
    echo "${MARIADB_VERSION:-unknown}" >"$mdir/version"

    # Password login over TCP must work, or every test would fail later and less clearly.
    if ! "$MARIADB_CLIENT" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$MARIADB_PORT" \
            -u replicad --password="$PASSWORD" -N -B -e 'select 1' rpl_src >/dev/null 2>&1; then
        die "MariaDB: user replicad cannot log in over TCP on 127.0.0.1:$MARIADB_PORT"
    fi
}

mariadb_stop() {
    local pid="" p pidfile="$DIR/mariadb/mariadbd.pid"
    for p in $(recorded_pids mariadb); do
        proc_is_ours "$p" && pid=$p
    done
    if [ -z "$pid" ] && [ -f "$pidfile" ]; then
        p=$(tr -dc '0-9' <"$pidfile" 2>/dev/null || true)
        proc_is_ours "$p" && pid=$p
    fi
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" "$STOP_TIMEOUT" && return 0
    say "MariaDB (pid $pid) did not stop within ${STOP_TIMEOUT}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || say "warning: MariaDB pid $pid is still alive"
}

# ---------------------------------------------------------------- ODBC / env ---

write_odbc() {
    local psql_so maria_so sqlite_so tds_so
    psql_so=$(find_odbc_driver psqlodbcw.so) || die "psqlODBC (psqlodbcw.so) not found under /usr/lib/*/odbc (package odbc-postgresql; run tools/install-deps.sh)"
    maria_so=$(find_odbc_driver libmaodbc.so) || die "MariaDB Connector/ODBC (libmaodbc.so) not found (package odbc-mariadb; run tools/install-deps.sh)"
    sqlite_so=$(find_odbc_driver libsqlite3odbc.so) || die "sqliteodbc (libsqlite3odbc.so) not found (package libsqliteodbc; run tools/install-deps.sh)"
    tds_so=$(find_odbc_driver libtdsodbc.so) || die "FreeTDS ODBC (libtdsodbc.so) not found (package tdsodbc; run tools/install-deps.sh)"
    mkdir -p "$DIR/odbc"
    # No CommLog/Debug for psqlODBC: Debian's own entry logs every statement to a file.
    cat >"$DIR/odbc/odbcinst.ini" <<INI
; written by tests/harness/servers.sh for this test run only
[ODBC]
Trace=No

[PostgreSQL Unicode]
Description=PostgreSQL ODBC driver (Unicode)
Driver=$psql_so

[MariaDB Unicode]
Description=MariaDB Connector/ODBC (Unicode)
Driver=$maria_so

[SQLite3]
Description=SQLite3 ODBC driver
Driver=$sqlite_so

[FreeTDS]
Description=FreeTDS (SQL Server, Sybase)
Driver=$tds_so
INI
    : >"$DIR/odbc/odbc.ini"
}

shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

write_env() {
    local f="$DIR/env.tmp" i
    local pg_odbc="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PG_PORT;Uid=replicad"
    local my_odbc="Driver=MariaDB Unicode;Server=127.0.0.1;Port=$MARIADB_PORT;Uid=replicad"
    local pg_ci="host=127.0.0.1 port=$PG_PORT user=replicad"
    local -a vars=(
        ODBCSYSINI "$DIR/odbc"
        ODBCINI "$DIR/odbc/odbc.ini"
        RPL_TEST_DIR "$DIR"
        RPL_TEST_PASSWORD "$PASSWORD"
        RPL_TEST_PG_PORT "$PG_PORT"
        RPL_TEST_PG_PID "$PG_PID"
        RPL_TEST_PG_VERSION "$PG_VERSION"
        RPL_TEST_PG_SRC "${pg_odbc/;Uid=/;Database=rpl_src;Uid=}"
        RPL_TEST_PG_DST "${pg_odbc/;Uid=/;Database=rpl_dst;Uid=}"
        RPL_TEST_PG_CONNINFO_SRC "${pg_ci/ user=/ dbname=rpl_src user=}"
        RPL_TEST_PG_CONNINFO_DST "${pg_ci/ user=/ dbname=rpl_dst user=}"
        RPL_TEST_PG_SOCKET_DIR "$DIR/pg"
        RPL_TEST_PG_BINDIR "$PG_BINDIR"
        RPL_TEST_PSQL "$PG_BINDIR/psql"
        RPL_TEST_MARIADB_PORT "$MARIADB_PORT"
        RPL_TEST_MARIADB_PID "$MARIADB_PID"
        RPL_TEST_MARIADB_VERSION "$MARIADB_VERSION"
        RPL_TEST_MARIADB_SRC "${my_odbc/;Uid=/;Database=rpl_src;Uid=}"
        RPL_TEST_MARIADB_DST "${my_odbc/;Uid=/;Database=rpl_dst;Uid=}"
        RPL_TEST_MARIADB_SOCKET "$DIR/mariadb/mariadb.sock"
        RPL_TEST_MARIADB_CLIENT "$MARIADB_CLIENT"
    )
    {
        echo "# tests/harness/servers.sh: environment for the servers in $DIR (source it)"
        for ((i = 0; i < ${#vars[@]}; i += 2)); do
            printf 'export %s=%s\n' "${vars[i]}" "$(shq "${vars[i + 1]}")"
        done
    } >"$f"
    mv -f "$f" "$DIR/env"
}

# ---------------------------------------------------------------- commands -----

resolve_dir() { # sets DIR to the absolute form of $1 (which must exist)
    DIR=$(cd "$1" && pwd -P) || die "cannot enter $1"
}

START_DONE=0
START_JOBS=()
start_cleanup() {
    local rc=$? j
    trap - EXIT INT TERM HUP
    if [ "$START_DONE" -ne 1 ]; then
        # Let the start subshells finish their current (bounded) step and exit, so
        # nothing they launch can appear after the stops below.
        for j in "${START_JOBS[@]}"; do kill -TERM "$j" 2>/dev/null || true; done
        for j in "${START_JOBS[@]}"; do wait "$j" 2>/dev/null || true; done
        pg_stop || true
        mariadb_stop || true
        say "start failed; stopped what it had started (logs in $DIR; '$prog stop $DIR' removes it)"
        [ "$rc" -eq 0 ] && rc=1
    fi
    exit "$rc"
}

cmd_start() {
    local arg=$1
    PG_USER=${RPL_TEST_PG_USER:-postgres}
    MARIADB_USER=${RPL_TEST_MARIADB_USER:-mysql}
    if ! is_root; then
        PG_USER=$(id -un); MARIADB_USER=$PG_USER
    fi

    PG_BINDIR=$(find_pg_bindir)
    MARIADBD=$(find_exe mariadbd mysqld) || die "mariadbd not found (package mariadb-server; run tools/install-deps.sh)"
    MARIADB_INSTALL_DB=$(find_exe mariadb-install-db mysql_install_db) || die "mariadb-install-db not found (package mariadb-server)"
    MARIADB_CLIENT=$(find_exe mariadb mysql) || die "mariadb client not found (package mariadb-client)"
    MARIADB_ADMIN=$(find_exe mariadb-admin mysqladmin) || die "mariadb-admin not found (package mariadb-client)"
    if is_root; then
        id -u "$PG_USER" >/dev/null 2>&1 || die "user $PG_USER does not exist (it comes with package postgresql; or set RPL_TEST_PG_USER)"
        id -u "$MARIADB_USER" >/dev/null 2>&1 || die "user $MARIADB_USER does not exist (it comes with package mariadb-server; or set RPL_TEST_MARIADB_USER)"
        if ! command -v runuser >/dev/null || ! command -v setpriv >/dev/null; then
            die "runuser/setpriv (util-linux) not found"
        fi
    fi

    mkdir -p "$arg"
    resolve_dir "$arg"
    if [ -n "$(ls -A "$DIR")" ]; then
        die "$DIR is not empty; give a new or empty directory (e.g. from mktemp -d)"
    fi
    # Unix socket paths are limited to 107 bytes.
    if [ $((${#DIR} + 32)) -gt 107 ]; then
        die "$DIR is too long for Unix socket paths; use a shorter directory (e.g. under /tmp)"
    fi
    : >"$DIR/.rpl-servers"
    : >"$DIR/pids"
    chmod 0755 "$DIR"
    cd "$DIR"
    trap start_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP

    if is_root; then
        for u in "$PG_USER" "$MARIADB_USER"; do
            runuser -u "$u" -- test -x "$DIR" \
                || die "user $u cannot reach $DIR (a parent directory is not searchable); use a directory under /tmp"
        done
    fi

    write_odbc
    local ports
    read -r -a ports <<<"$(free_ports 2)"
    [ "${#ports[@]}" -eq 2 ] || die "could not find two free TCP ports"
    # Both servers initialise and start at the same time. A TERM to a start subshell
    # takes effect after its current step (bash defers traps during a foreground child).
    ( trap 'exit 143' TERM; trap 'exit 130' INT; pg_start "$PG_BINDIR" "${ports[0]}" ) &
    local pg_job=$!
    ( trap 'exit 143' TERM; trap 'exit 130' INT; mariadb_start "${ports[1]}" ) &
    local my_job=$!
    START_JOBS=("$pg_job" "$my_job")
    local pg_rc=0 my_rc=0
    wait "$pg_job" || pg_rc=$?
    wait "$my_job" || my_rc=$?
    # The subshells recorded what they started; read back ports, pids and versions.
    [ "$pg_rc" -eq 0 ] && [ "$my_rc" -eq 0 ] || exit 1
    START_JOBS=()
    load_results
    write_env
    START_DONE=1
}

# The two start functions run in subshells; they leave their results in files.
load_results() {
    PG_PORT=$(cat "$DIR/pg/port") PG_PID=$(cat "$DIR/pg/pid") PG_VERSION=$(cat "$DIR/pg/version")
    MARIADB_PORT=$(cat "$DIR/mariadb/port") MARIADB_PID=$(cat "$DIR/mariadb/pid")
    MARIADB_VERSION=$(cat "$DIR/mariadb/version")
}

cmd_stop() {
    local arg=$1
    [ -e "$arg" ] || return 0
    resolve_dir "$arg"
    [ -f "$DIR/.rpl-servers" ] || die "$DIR was not made by '$prog start'; refusing to touch it"
    PG_USER=${RPL_TEST_PG_USER:-postgres}
    if ! is_root; then PG_USER=$(id -un); fi
    if is_root && ! id -u "$PG_USER" >/dev/null 2>&1; then PG_USER=root; fi
    cd /
    pg_stop &
    local a=$!
    mariadb_stop &
    local b=$!
    wait "$a" || true
    wait "$b" || true
    local pid left=""
    if [ -f "$DIR/pids" ]; then
        while read -r _ pid; do
            if proc_is_ours "$pid"; then left="$left $pid"; fi
        done <"$DIR/pids"
    fi
    [ -z "$left" ] || die "processes still running:$left; $DIR kept"
    rm -rf -- "$DIR"
}

# cmd_pg_down / cmd_pg_up: stop PostgreSQL and start it again on the same port and
# data, for tests of a target that goes away in the middle of a job. The new
# postmaster's PID is recorded, so 'stop' still stops exactly what runs.
pg_user_for() {
    PG_USER=${RPL_TEST_PG_USER:-postgres}
    if ! is_root; then PG_USER=$(id -un); fi
    if is_root && ! id -u "$PG_USER" >/dev/null 2>&1; then PG_USER=root; fi
}

cmd_pg_down() {
    resolve_dir "$1"
    [ -f "$DIR/.rpl-servers" ] || die "$DIR was not made by '$prog start'; refusing to touch it"
    pg_user_for
    cd /
    pg_stop
}

cmd_pg_up() {
    resolve_dir "$1"
    [ -f "$DIR/.rpl-servers" ] || die "$DIR was not made by '$prog start'; refusing to touch it"
    pg_user_for
    local data="$DIR/pg/data" port bindir pid
    port=$(cat "$DIR/pg/port")
    bindir=$(find_pg_bindir)
    cd /
    # the same log as the first start (pg_ctl -l appends): test_dryrun.sh reads the
    # statements the server logged there, also after an outage test restarted it
    run_as "$PG_USER" "$bindir/pg_ctl" -D "$data" -l "$DIR/pg/server.log" -o "-p $port" \
        -w -t "$START_TIMEOUT" -s start >/dev/null 2>&1 || die "PostgreSQL did not start again (see $DIR/pg/server.log)"
    pid=$(head -n 1 "$data/postmaster.pid")
    record_pid postgresql "$pid"
    echo "$pid" >"$DIR/pg/pid"
}

case "${1:-}" in
    start) [ $# -eq 2 ] || die "usage: $prog start DIR"; cmd_start "$2" ;;
    stop)  [ $# -eq 2 ] || die "usage: $prog stop DIR"; cmd_stop "$2" ;;
    pg-down) [ $# -eq 2 ] || die "usage: $prog pg-down DIR"; cmd_pg_down "$2" ;;
    pg-up) [ $# -eq 2 ] || die "usage: $prog pg-up DIR"; cmd_pg_up "$2" ;;
    *) echo "usage: $prog start DIR | stop DIR | pg-down DIR | pg-up DIR" >&2; exit 2 ;;
esac
