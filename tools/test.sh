#!/usr/bin/env bash
# tools/test.sh: the README's second command. Installs what is missing, builds with
# -Werror, starts PostgreSQL and MariaDB on loopback (tests/harness/with-servers),
# and runs the whole suite twice: a normal build, then AddressSanitizer +
# UndefinedBehaviorSanitizer; then the fuzz targets for a bounded time
# (tests/fuzz/run.sh) and the Debian package test. Every step runs whatever the
# steps before it did (a failed normal suite used to stop the script before the
# ASan suite, the package test and the summary), and the script always ends with a
# summary naming each failed step and test; it exits non-zero if anything failed.
# It stops only the servers it started.
#
# Environment: RPL_FUZZ_SECONDS (seconds per fuzz target, default 10; 0 skips the
# fuzz step).
set -uo pipefail
cd "$(dirname "$0")/.."

failed_steps=()
passed_steps=()

# step NAME CMD [ARGS...]: run one step, remember its outcome, never stop here
step() {
	local name=$1; shift
	echo "== $name"
	if "$@"; then
		passed_steps+=("$name")
	else
		echo "== $name: FAILED (exit $?)"
		failed_steps+=("$name")
	fi
}

setup() {   # setup DIR [meson options…]
	local dir=$1; shift
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null || return
	else
		meson setup "$dir" "$@" >/dev/null || return
	fi
	ninja -C "$dir" >/dev/null
}

# LeakSanitizer: only leaks inside the ODBC driver manager and drivers are suppressed.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# A suite step fails on a failed test; its log is kept for the summary. A build that
# failed leaves an old log behind, so the log is removed first.
suite() {   # suite BUILD-DIR
	rm -f "$1/meson-logs/testlog.json"
	tests/harness/with-servers meson test -C "$1" --print-errorlogs --no-rebuild
}

step "dependencies (tools/install-deps.sh)" tools/install-deps.sh
step "build (normal)" setup build -Dwerror=true
step "build (ASan + UBSan)" setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
step "suite (normal build)" suite build
step "suite (ASan + UBSan build)" suite build-asan
if [ "${RPL_FUZZ_SECONDS:-10}" != 0 ]; then
	step "fuzz (tests/fuzz/run.sh, ${RPL_FUZZ_SECONDS:-10} s per target)" tests/fuzz/run.sh "${RPL_FUZZ_SECONDS:-10}"
fi
# The Debian package: build, lintian, install, check, remove (issue #9).
step "package (tools/package-test.sh)" tools/package-test.sh

# The summary: every step, then the tests that failed, from meson's own logs.
echo "== summary"
python3 - "${failed_steps[@]+"${failed_steps[@]}"}" <<'PY'
import json, os, sys
passed = failed = 0
bad = []
for d in ("build", "build-asan"):
    path = f"{d}/meson-logs/testlog.json"
    if not os.path.exists(path):
        continue
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("result") == "OK":
                passed += 1
            else:
                failed += 1
                bad.append(f"{d}: {r.get('name')} ({r.get('result')})")
print(f"tests: {passed} passed, {failed} failed")
for b in bad:
    print(f"  failed test  {b}")
for s in sys.argv[1:]:
    print(f"  failed step  {s}")
PY
echo "steps: ${#passed_steps[@]} passed, ${#failed_steps[@]} failed"
[ "${#failed_steps[@]}" -eq 0 ]
