#!/usr/bin/env bash
# tools/test.sh: the README's second command. Installs what is missing, builds with
# -Werror, starts PostgreSQL and MariaDB on loopback (tests/harness/with-servers),
# and runs the whole suite twice: a normal build, then AddressSanitizer +
# UndefinedBehaviorSanitizer. Exits non-zero on any failure; stops only the servers
# it started.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh

setup() {   # setup DIR [meson options…]
	local dir=$1; shift
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir" >/dev/null
}

setup build -Dwerror=true
setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

# LeakSanitizer: only leaks inside the ODBC driver manager and drivers are suppressed.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

tests/harness/with-servers bash -c '
	set -e
	echo "== suite (normal build)"
	meson test -C build --print-errorlogs --no-rebuild
	echo "== suite (ASan + UBSan build)"
	meson test -C build-asan --print-errorlogs --no-rebuild
'

# The Debian package: build, lintian, install, check, remove (issue #9).
echo "== package (tools/package-test.sh)"
pkg_status=0
tools/package-test.sh || pkg_status=$?

# One closing line for CI, summed over both builds from meson's own test logs.
PKG_STATUS=$pkg_status python3 - <<'PY'
import json, os
passed = failed = 0
if os.environ["PKG_STATUS"] == "0":
    passed += 1
else:
    failed += 1
for d in ("build", "build-asan"):
    with open(f"{d}/meson-logs/testlog.json") as f:
        for line in f:
            r = json.loads(line)
            if r.get("result") == "OK":
                passed += 1
            else:
                failed += 1
print(f"tests: {passed} passed, {failed} failed")
PY
[ "$pkg_status" -eq 0 ]
