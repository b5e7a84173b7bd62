#!/usr/bin/env bash
# tools/package-test.sh: build the Debian package from this tree and use it as an
# operator would, then remove it again. As root on Debian 12; it installs and
# removes the package `replicad` on this machine, so it refuses to run where
# replicad is installed already.
#
#   1. installs the tools it needs with apt (only the missing ones);
#   2. copies the tree (tracked and untracked files that git does not ignore; no
#      build directories) to a temp dir, puts packaging/debian at ./debian (a copy,
#      or a symlink with --symlink) and runs `dpkg-buildpackage -us -uc -b`;
#   3. runs lintian on the .deb: any error fails;
#   4. dpkg -i (apt-get -f install for missing dependencies); checks the files,
#      the user and directories, `systemd-analyze verify` of the installed unit and
#      `man -l` of the three pages;
#   5. runs `replicad --version`, then, as user replicad, `replicad check` and
#      `replicad run` on a config derived from the installed example with SQLite
#      source and target files made with sqlite3 in the temp dir (one run must
#      load every row, one must reject a row into /var/lib/replicad/rejects);
#   6. dpkg -r (binaries, pages, unit gone; config and state dirs kept), then
#      dpkg -P (reject files and empty dirs gone; a file the admin left in
#      /var/lib/replicad kept and named).
#
# Usage: tools/package-test.sh [--symlink] [--keep]
#   --symlink  link ./debian to packaging/debian instead of copying it
#   --keep     keep the temp dir (build log, .deb, lintian output) on success too
# Exit status 0 when every step passed. On failure the temp dir is kept and named,
# and the package is purged again if this script installed it.
set -euo pipefail

prog=package-test
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
debian_mode=copy
keep=0
for a in "$@"; do
    case "$a" in
        --symlink) debian_mode=symlink ;;
        --keep) keep=1 ;;
        -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "$prog: unknown argument '$a' (try --help)" >&2; exit 2 ;;
    esac
done

t_start=$(date +%s.%N)
say() { printf '%s: %s\n' "$prog" "$*"; }
step() { printf '\n== %s\n' "$*"; }
die() { printf '%s: FAILED: %s\n' "$prog" "$*" >&2; exit 1; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

[ "$(id -u)" -eq 0 ] || die "run as root: it installs and removes the package"
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: Debian only"
status=$(dpkg-query -W -f='${Status}' replicad 2>/dev/null || true)
case "$status" in
    ""|"unknown ok not-installed"|"deinstall ok not-installed"|"purge ok not-installed") ;;
    *) die "package replicad is on this machine already ($status): this test would replace and purge it; remove it first (dpkg -P replicad)" ;;
esac

# ------------------------------------------------------------------- tools --

step "tools"
TOOLS=(dpkg-dev debhelper lintian fakeroot
       meson ninja-build pkg-config unixodbc-dev libuv1-dev libjansson-dev libsystemd-dev libpq-dev check
       systemd man-db sqlite3 libsqliteodbc python3)
missing=()
for p in "${TOOLS[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]}"
fi
say "tools present"

work=$(mktemp -d /tmp/replicad-package-test.XXXXXX)
chmod 0755 "$work"
installed_by_us=0
user_existed=0
getent passwd replicad >/dev/null && user_existed=1
finish() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ "$installed_by_us" -eq 1 ] && dpkg-query -W replicad >/dev/null 2>&1 &&
       [ "$(dpkg-query -W -f='${Status}' replicad)" != "unknown ok not-installed" ]; then
        say "cleanup: purging the package this run installed"
        dpkg -P replicad >/dev/null 2>&1 || true
    fi
    if [ "$installed_by_us" -eq 1 ]; then
        rm -rf /var/lib/replicad /etc/replicad
        if [ "$user_existed" -eq 0 ] && getent passwd replicad >/dev/null; then
            userdel replicad 2>/dev/null || true
            getent group replicad >/dev/null && groupdel replicad 2>/dev/null || true
        fi
    fi
    if [ "$rc" -eq 0 ] && [ "$keep" -eq 0 ]; then
        rm -rf "$work"
    else
        say "kept $work (build.log, lintian.txt, the .deb)"
    fi
    exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ------------------------------------------------------------------- build --

step "dpkg-buildpackage -us -uc -b ($work/src, debian: $debian_mode)"
t=$(date +%s.%N)
src=$work/src
mkdir "$src"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # what a clone plus the uncommitted work would hold; deleted files skipped
    git -C "$root" ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do [ -e "$root/$f" ] && printf '%s\0' "$f"; done |
        tar -C "$root" --null -T - -cf - | tar -C "$src" -xf -
else
    tar -C "$root" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$src" -xf -
fi
[ ! -e "$src/debian" ] || die "the tree has a top-level debian/ already; the package lives in packaging/debian"
if [ "$debian_mode" = symlink ]; then
    ln -s packaging/debian "$src/debian"
else
    cp -a "$src/packaging/debian" "$src/debian"
fi
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
    tail -n 40 "$work/build.log" >&2
    die "dpkg-buildpackage (full log: $work/build.log)"
}
version=$(cd "$src" && dpkg-parsechangelog -S Version)
upstream=${version%-*}
arch=$(dpkg --print-architecture)
deb=$work/replicad_${version}_${arch}.deb
[ -f "$deb" ] || die "dpkg-buildpackage did not make $deb"
grep -E '^(Ok|Fail|Timeout):' "$work/build.log" | tr -s ' ' | paste -sd' ' | sed "s/^/$prog: unit tests during the build: /"
grep -q '^Fail: *0' "$work/build.log" || die "the unit suite did not run cleanly during the build (see $work/build.log)"
say "built $(basename "$deb") ($(du -h "$deb" | cut -f1), $(elapsed "$t"))"

# ----------------------------------------------------------------- lintian --

step "lintian"
lint_rc=0
lintian --fail-on error --display-info "$deb" >"$work/lintian.txt" 2>&1 || lint_rc=$?
sed 's/^/  /' "$work/lintian.txt"
grep -q '^E: ' "$work/lintian.txt" && die "lintian reports errors"
[ "$lint_rc" -eq 0 ] || die "lintian exited with $lint_rc"
say "lintian: no errors ($(grep -c '^W: ' "$work/lintian.txt" || true) warnings, $(grep -c '^I: ' "$work/lintian.txt" || true) info)"

# ----------------------------------------------------------------- install --

step "dpkg -i"
installed_by_us=1
if ! dpkg -i "$deb" >"$work/install.log" 2>&1; then
    say "dpkg -i left dependencies to resolve: apt-get -f install"
    DEBIAN_FRONTEND=noninteractive apt-get -f install -y -q >>"$work/install.log" 2>&1 ||
        { cat "$work/install.log" >&2; die "apt-get -f install"; }
fi
[ "$(dpkg-query -W -f='${Status}' replicad)" = "install ok installed" ] || die "replicad is not installed after dpkg -i"

unit=
for d in /lib/systemd/system /usr/lib/systemd/system; do
    [ -f "$d/replicad.service" ] && unit=$d/replicad.service
done
[ -n "$unit" ] || die "no replicad.service in /lib/systemd/system or /usr/lib/systemd/system"
example=/usr/share/doc/replicad/examples/replicad.json
for f in /usr/sbin/replicad /usr/bin/replicactl "$example" /usr/share/doc/replicad/copyright \
         /usr/share/doc/replicad/operations.md.gz; do
    [ -e "$f" ] || die "$f is missing after install"
done
for page in replicad.8 replicactl.1 replicad.json.5; do
    f=$(man -w "${page%.*}" 2>/dev/null | grep "/man${page##*.}/" | head -n 1 || true)
    [ -n "$f" ] || die "man page $page is not installed"
    warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$f" 2>&1 >/dev/null || true)
    [ -z "$warn" ] || die "man -l $f: $warn"
    lines=$(MANWIDTH=80 man -l "$f" 2>/dev/null | wc -l)
    [ "$lines" -gt 50 ] || die "man -l $f renders only $lines lines"
    say "man -l $f: $lines lines, no warnings"
done
getent passwd replicad >/dev/null || die "no user replicad"
getent group replicad >/dev/null || die "no group replicad"
[ "$(stat -c '%U:%G %a' /etc/replicad)" = "root:replicad 750" ] || die "/etc/replicad is $(stat -c '%U:%G %a' /etc/replicad)"
[ "$(stat -c '%U:%G %a' /var/lib/replicad)" = "replicad:replicad 750" ] || die "/var/lib/replicad is $(stat -c '%U:%G %a' /var/lib/replicad)"
if ! out=$(systemd-analyze verify "$unit" 2>&1); then
    die "systemd-analyze verify $unit: $out"
fi
[ -z "$out" ] || die "systemd-analyze verify $unit: $out"
say "systemd-analyze verify $unit: clean"
# A running systemd judges the unit as loaded; without one (a container) the
# offline mode reads the file. Either way the score is reported, not asserted.
if [ -d /run/systemd/system ]; then
    security=$(systemd-analyze security --no-pager replicad.service 2>&1 | tail -n 1 || true)
else
    security=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1 | tail -n 1 || true)
fi
say "systemd-analyze security: ${security#→ }"
say "installed: $unit, binaries, 3 man pages, example, user and directories"

# -------------------------------------------------------------- use it --

step "replicad --version, check, run (as user replicad, SQLite source and target)"
got=$(replicad --version)
[ "$got" = "replicad $upstream" ] || die "replicad --version says '$got', expected 'replicad $upstream'"
got=$(replicactl --version)
[ "$got" = "replicactl $upstream" ] || die "replicactl --version says '$got'"
say "$(replicad --version), $(replicactl --version)"

run=$work/run
install -d -o replicad -g replicad -m 0750 "$run"
sqlite3 "$run/source.db" <<'SQL'
CREATE TABLE sales (id INTEGER PRIMARY KEY, sale_date DATE NOT NULL, amount DECIMAL(12,2) NOT NULL, note VARCHAR(40));
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 900)
INSERT INTO sales SELECT i, date('2024-01-01', '+' || (i % 91) || ' days'), printf('%d.%02d', i * 7, i % 100), 'row ' || i FROM n;
CREATE TABLE currency (code VARCHAR(3) PRIMARY KEY, name VARCHAR(40) NOT NULL, valid_from DATE NOT NULL);
INSERT INTO currency VALUES ('EUR', 'Euro', '1999-01-01'), ('USD', 'US dollar', '1792-04-02'),
                            ('XTS', 'test code', '0001-01-01');
SQL
chown replicad:replicad "$run/source.db"
cfg=$run/replicad.json
python3 - "$example" "$cfg" "$run" <<'PY'
import json, sys
example, out, run = sys.argv[1:]
with open(example) as f:
    c = json.load(f)
# the example with its databases swapped for SQLite files: everything else as shipped
c["source"] = {"odbc": "Driver=SQLite3;Database=%s/source.db" % run}
c["target"] = {"odbc": "Driver=SQLite3;Database=%s/target.db" % run}
assert [t["name"] for t in c["tables"]] == ["sales", "currency"], c["tables"]
assert c["load"]["create_missing_tables"] is True
assert c["state_dir"] == "/var/lib/replicad"
with open(out, "w") as f:
    json.dump(c, f, indent=2)
PY
chown replicad:replicad "$cfg"
as_replicad() { runuser -u replicad -- "$@"; }

rc=0
as_replicad replicad -c "$cfg" check >"$run/check.out" 2>&1 || rc=$?
sed 's/^/  /' "$run/check.out"
[ "$rc" -eq 0 ] || die "replicad check exited $rc"
grep -q '^source: SQLite' "$run/check.out" || die "replicad check did not report the source"

rc=0
as_replicad replicad -c "$cfg" run sales --from 2024-01-01 --to 2024-03-31 --json >"$run/sales.json" 2>"$run/sales.err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$run/sales.err" >&2; die "replicad run sales exited $rc"; }
python3 - "$run/sales.json" <<'PY' || die "the sales account is not what it should be"
import json, sys
a = json.load(open(sys.argv[1]))
t = a["totals"]
assert len(a["partitions"]) == 3 and t["partitions"] == 3 and t["done"] == 3, a
assert t["rows_read"] == 900 and t["rows_written"] == 900 and t["rows_rejected"] == 0, t
assert a["reject_file"] is None, a
PY
n=$(sqlite3 "$run/target.db" "SELECT count(*), sum(amount) FROM sales")
m=$(sqlite3 "$run/source.db" "SELECT count(*), sum(amount) FROM sales")
[ "$n" = "$m" ] || die "target sales holds $n, source $m"
say "run sales --from 2024-01-01 --to 2024-03-31: 3 partitions, 900 rows, target = source ($n)"

rc=0
as_replicad replicad -c "$cfg" run currency --full >"$run/currency.out" 2>"$run/currency.err" || rc=$?
sed 's/^/  /' "$run/currency.out"
[ "$rc" -eq 3 ] || { cat "$run/currency.err" >&2; die "replicad run currency exited $rc, expected 3 (a row rejected)"; }
rejects=$(ls /var/lib/replicad/rejects/*.jsonl 2>/dev/null || true)
[ "$(printf '%s\n' "$rejects" | grep -c .)" -eq 1 ] || die "expected one reject file in /var/lib/replicad/rejects, found: $rejects"
grep -q '"rule":"placeholder_date"' "$rejects" || die "the reject file does not name the placeholder_date rule: $(cat "$rejects")"
grep -q "rejected rows: $rejects" "$run/currency.out" || die "the account does not name $rejects"
[ "$(stat -c %U "$rejects")" = replicad ] || die "$rejects is not owned by replicad"
[ "$(sqlite3 "$run/target.db" 'SELECT count(*) FROM currency')" = 2 ] || die "currency: expected 2 rows in the target"
say "run currency --full: exit 3, 2 rows loaded, 1 rejected into $rejects"

rc=0
replicactl status >/dev/null 2>"$run/ctl.err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "cannot connect" "$run/ctl.err" || die "replicactl status without a service: exit $rc, $(cat "$run/ctl.err")"
say "replicactl status: exit 1, one line naming the socket when the service is not running"

# ------------------------------------------------------------------ remove --

step "dpkg -r, dpkg -P"
dpkg -r replicad >"$work/remove.log" 2>&1 || { cat "$work/remove.log" >&2; die "dpkg -r"; }
for f in /usr/sbin/replicad /usr/bin/replicactl "$unit" /usr/share/doc/replicad \
         /usr/share/man/man8/replicad.8.gz /usr/share/man/man1/replicactl.1.gz /usr/share/man/man5/replicad.json.5.gz; do
    [ ! -e "$f" ] || die "$f is still there after dpkg -r"
done
for d in /etc/replicad /var/lib/replicad/rejects; do
    [ -d "$d" ] || die "$d is gone after dpkg -r (it should stay until purge)"
done
getent passwd replicad >/dev/null || die "user replicad gone after dpkg -r"
say "dpkg -r: program, pages, unit, docs gone; /etc/replicad, /var/lib/replicad and the user kept"

# an admin's file in the state dir (say, a SQLite replica) must survive the purge
echo "not replicad's" >/var/lib/replicad/replica.db
dpkg -P replicad >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; die "dpkg -P"; }
[ "$(dpkg-query -W -f='${Status}' replicad 2>/dev/null || true)" != "deinstall ok config-files" ] || die "replicad still in config-files state"
[ ! -e /var/lib/replicad/rejects ] || die "/var/lib/replicad/rejects is still there after dpkg -P"
[ ! -e /etc/replicad ] || die "/etc/replicad is still there after dpkg -P: $(ls -A /etc/replicad)"
[ -f /var/lib/replicad/replica.db ] || die "dpkg -P removed a file it did not make (/var/lib/replicad/replica.db)"
grep -q "keeping /var/lib/replicad" "$work/purge.log" || die "dpkg -P did not say why it kept /var/lib/replicad"
for f in /var/lib/systemd/deb-systemd-helper-enabled/replicad.service.dsh-also \
         /var/lib/systemd/deb-systemd-helper-masked/replicad.service; do
    [ ! -e "$f" ] || die "$f is still there after dpkg -P"
done
rm -rf /var/lib/replicad
say "dpkg -P: reject files, /etc/replicad and systemd state gone; the admin's /var/lib/replicad/replica.db kept and named"

say "PASSED in $(elapsed "$t_start")"
