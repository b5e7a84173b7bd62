#!/usr/bin/env bash
# tools/install-deps.sh: install the Debian packages replicad needs to build and to
# run its tests against real servers (PostgreSQL, MariaDB, the ODBC drivers), and
# clang with its libFuzzer runtime for the fuzz targets (tests/fuzz/run.sh).
#
# Idempotent and quiet when everything is present. As root it runs
# `apt-get update` and `apt-get install -y --no-install-recommends` for the missing
# packages only; as another user it names what is missing and exits non-zero.
# It never leaves services started by package scripts: while installing, a
# policy-rc.d that denies service starts is put in place (only when none exists)
# and removed afterwards.
#
# Usage: tools/install-deps.sh [--check]   (--check: only report, never install)
set -euo pipefail

PACKAGES=(
    build-essential meson ninja-build pkg-config
    unixodbc unixodbc-dev libuv1-dev libjansson-dev libsystemd-dev check libpq-dev libmariadb-dev libsqlite3-dev
    postgresql mariadb-server mariadb-client
    odbc-postgresql odbc-mariadb libsqliteodbc tdsodbc
    sqlite3 python3 valgrind tzdata
    clang libclang-rt-14-dev
    prometheus   # for promtool only: test_serve runs `promtool check metrics` on replicactl's output
)

check_only=0
case "${1:-}" in
    "") ;;
    --check) check_only=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps: dpkg-query not found: this script supports Debian/Ubuntu only" >&2
    exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing+=("$p")
    fi
done

[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$check_only" -eq 1 ]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: not root; run as root (sudo $0) or install them with:" >&2
    echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2

export DEBIAN_FRONTEND=noninteractive
export APT_LISTCHANGES_FRONTEND=none

# Keep package scripts from starting services (postgresql, mariadb). Only add a
# policy-rc.d when there is none, and remove exactly the one we added.
policy=/usr/sbin/policy-rc.d
policy_added=0
restore_policy() {
    if [ "$policy_added" -eq 1 ] && [ -f "$policy" ] \
        && grep -q 'replicad-install-deps' "$policy" 2>/dev/null; then
        rm -f "$policy"
    fi
}
trap restore_policy EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# replicad-install-deps: deny service starts during install\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    policy_added=1
fi

apt-get update -q
apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}"

# Verify: a package that failed to configure shows up here.
still=()
for p in "${missing[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || still+=("$p")
done
if [ "${#still[@]}" -ne 0 ]; then
    echo "install-deps: still not installed after apt-get: ${still[*]}" >&2
    exit 1
fi
echo "install-deps: done" >&2
