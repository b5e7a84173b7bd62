#!/usr/bin/env bash
# tests/fuzz/run.sh: build the libFuzzer targets (clang, ASan + UBSan, -Dfuzz=true in
# build-fuzz/) and run each for a bounded time from its seed corpus; exits non-zero
# on any finding (crash, sanitizer report, leak, timeout, out of memory) and names
# the targets and the inputs that found something.
#
#   tests/fuzz/run.sh [SECONDS-PER-TARGET] [TARGET...]
#
# Default 10 s per target (tools/test.sh, CI); docs/testing.md says how to run them
# longer. The seed corpora in tests/fuzz/corpus/<target>/ are read, never written:
# what a run finds new goes to a scratch corpus under build-fuzz/, and a finding's
# input to build-fuzz/fuzz-artifacts/ (copy it into corpus/<target>/ with the fix).
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config rpc_framing rpc_dispatch connstr date size duration pgbinread tsv vvalue rules)
case $secs in ''|*[!0-9]*) echo "run.sh: seconds must be a whole number, got '$secs'" >&2; exit 2 ;; esac

if ! command -v clang >/dev/null 2>&1; then
	echo "run.sh: clang not found (tools/install-deps.sh installs clang and libclang-rt-14-dev)" >&2
	exit 1
fi
dir=build-fuzz
if [ ! -d "$dir" ]; then
	CC=clang meson setup "$dir" -Dfuzz=true -Dtests=disabled -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug -Dwerror=true >/dev/null || exit 1
fi
ninja -C "$dir" "${targets[@]/#/tests/fuzz/fuzz_}" >/dev/null || { echo "run.sh: build failed" >&2; exit 1; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
root=$PWD
mkdir -p "$dir/fuzz-artifacts"
failed=()
for t in "${targets[@]}"; do
	scratch=$root/$dir/fuzz-corpus/$t
	mkdir -p "$scratch"
	work=$(mktemp -d)   # an empty cwd: a fuzzed config names no file that exists
	echo "== fuzz $t (${secs} s)"
	if (cd "$work" && "$root/$dir/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$root/$dir/fuzz-artifacts/$t-" "$scratch" "$root/tests/fuzz/corpus/$t" \
		>"$root/$dir/fuzz-$t.log" 2>&1); then
		grep -E '^stat::number_of_executed_units' "$root/$dir/fuzz-$t.log" | sed "s/^/   /"
	else
		failed+=("$t")
		tail -n 40 "$root/$dir/fuzz-$t.log"
		echo "== fuzz $t: FOUND something: $root/$dir/fuzz-$t.log, $(ls "$root/$dir/fuzz-artifacts/$t-"* 2>/dev/null | tr '\n' ' ')"
	fi
	rm -rf "$work"
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: ${#failed[@]} of ${#targets[@]} targets found something: ${failed[*]}"
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${secs} s each, nothing found"
