#!/usr/bin/env bash
# tools/demo.sh: the quick start. Installs what replicad needs, builds it, makes a
# SQLite source database with a 184-column "sales" table (100,000 rows over the 12
# months of 2024) and a "currency" reference table, copies both into a new SQLite
# target with `replicad run`, and proves with sqlite3 that target and source hold
# the same rows.
#
#   tools/demo.sh            (as root on a fresh Debian 12; from any directory)
#
# Everything it makes lives in build/demo/: source.db (kept, and reused while the
# generator and its arguments are unchanged: source.stamp records them), target.db
# (deleted at every start so reruns are clean), replicad.json and state/ (its
# state_dir: reject files; the ledger lives in target.db). Takes about a minute the
# first time, about half that on reruns. Exit status: 0 when the copy is identical,
# non-zero otherwise (the failing step is named on stderr).
set -euo pipefail

prog=demo
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

# generator arguments for the demo data; any change makes a new source.db
GEN=bench/gen_sales.py
SALES_ARGS=(--engine sqlite --shape seed --rows 100000 --from 2024-01-01 --months 12 --seed 1)
CURRENCY_ARGS=(--engine sqlite --reference --rows 150 --from 2024-01-01 --months 12 --seed 1)

demo_dir=$root/build/demo
src=$demo_dir/source.db
dst=$demo_dir/target.db
cfg=$demo_dir/replicad.json
state=$demo_dir/state
stamp=$demo_dir/source.stamp
replicad=$root/build/daemon/replicad

t0=$(date +%s.%N)
say() { printf '%s: %s\n' "$prog" "$*"; }
die() { printf '%s: FAILED: %s\n' "$prog" "$*" >&2; exit 1; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
step() { printf '\n== %s\n' "$*"; }

# ------------------------------------------------------------------ packages --

step "dependencies (tools/install-deps.sh)"
t=$(date +%s.%N)
if ! tools/install-deps.sh; then
    die "tools/install-deps.sh could not install the packages replicad needs (run this demo as root, or install them as it says above)"
fi
for tool in meson ninja python3 sqlite3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (tools/install-deps.sh should have installed it)"
done
say "dependencies present ($(elapsed "$t"))"

# --------------------------------------------------------------------- build --

step "build (meson, ninja)"
t=$(date +%s.%N)
if [ ! -f build/build.ninja ]; then
    if [ -d build ] && [ -n "$(ls -A build 2>/dev/null)" ]; then
        meson setup --reconfigure build || die "meson setup --reconfigure build"
    else
        meson setup build || die "meson setup build"
    fi
fi
ninja -C build || die "ninja -C build (the build failed; see the compiler output above)"
[ -x "$replicad" ] || die "the build did not produce $replicad"
say "built $replicad ($(elapsed "$t"))"

# ---------------------------------------------------------------- demo data --

step "source database ($src)"
t=$(date +%s.%N)
mkdir -p "$demo_dir"
want_stamp=$(
    printf 'generator sha256 %s\n' "$(sha256sum "$GEN" | cut -d' ' -f1)"
    printf 'sales %s\n' "${SALES_ARGS[*]}"
    printf 'currency %s\n' "${CURRENCY_ARGS[*]}"
)
if [ -f "$src" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ]; then
    say "reusing $src (made by the same generator with the same arguments; delete it to regenerate)"
else
    rm -f -- "$src" "$stamp" "$src.tmp"
    say "generating: $GEN ${SALES_ARGS[*]} | sqlite3"
    python3 "$GEN" "${SALES_ARGS[@]}" | sqlite3 -bail -batch "$src.tmp" \
        || die "generating the sales table into $src.tmp"
    say "generating: $GEN ${CURRENCY_ARGS[*]} | sqlite3"
    python3 "$GEN" "${CURRENCY_ARGS[@]}" | sqlite3 -bail -batch "$src.tmp" \
        || die "generating the currency table into $src.tmp"
    mv -f -- "$src.tmp" "$src"
    printf '%s\n' "$want_stamp" >"$stamp"
fi
src_sales=$(sqlite3 -readonly -batch "$src" 'SELECT count(*) FROM sales') || die "reading $src"
src_currency=$(sqlite3 -readonly -batch "$src" 'SELECT count(*) FROM currency') || die "reading $src"
say "source: sales $src_sales rows, currency $src_currency rows, $(du -h "$src" | cut -f1) ($(elapsed "$t"))"

# ------------------------------------------------------------------- config --

step "configuration ($cfg)"
# a clean target and state every run: the copy below starts from nothing
rm -f -- "$dst" "$dst-journal" "$dst-wal" "$dst-shm"
rm -rf -- "$state"
mkdir -p "$state"
python3 - "$cfg" "$src" "$dst" "$state" <<'EOF'
import json, sys
cfg, src, dst, state = sys.argv[1:]
for p in (src, dst):
    if ";" in p or "}" in p:
        sys.exit("demo: the path %s holds ';' or '}', which an ODBC connection string cannot carry" % p)
conf = {
    "source": {"odbc": "Driver=SQLite3;Database=" + src},
    "target": {"odbc": "Driver=SQLite3;Database=" + dst},
    "tables": [
        {"name": "sales", "date_column": "sale_date"},
        {"name": "currency"},
    ],
    "load": {"create_missing_tables": True},
    "state_dir": state,
}
with open(cfg, "w") as f:
    json.dump(conf, f, indent=2)
    f.write("\n")
EOF
cat "$cfg"

# ---------------------------------------------------------------------- copy --

run() { # run DESCRIPTION ARGS...: run replicad, name the step when it fails
    local what=$1 rc=0
    shift
    step "$what: replicad -c $cfg $*"
    local t
    t=$(date +%s.%N)
    "$replicad" -c "$cfg" "$@" || rc=$?
    case $rc in
        0) say "$what done ($(elapsed "$t"))" ;;
        3) die "$what: replicad rejected rows (exit 3); see the reject file named above" ;;
        *) die "$what: replicad exited with status $rc" ;;
    esac
}
run "check" check
run "copy sales, all of 2024" run sales --from 2024-01-01 --to 2024-12-31
run "copy currency" run currency --full

# -------------------------------------------------------------------- verify --

step "verify with sqlite3: row counts, and EXCEPT both ways over every column and its type"
t=$(date +%s.%N)
total=0
dst_q=${dst//"'"/"''"}   # as an SQL string literal
for table in sales currency; do
    # the source's columns, each with its storage class: a value that arrives with
    # another type (text for a number, real for an integer) counts as different
    sel=$(sqlite3 -readonly -batch "$src" \
        "SELECT group_concat(q || ',typeof(' || q || ')', ',')
           FROM (SELECT char(34) || replace(name, char(34), char(34) || char(34)) || char(34) AS q
                   FROM pragma_table_info('$table'))") \
        || die "reading the columns of $table from $src"
    [ -n "$sel" ] || die "table $table has no columns in $src"
    out=$(sqlite3 -readonly -bail -batch -separator ' ' "$src" \
        "ATTACH '$dst_q' AS dst;
         SELECT (SELECT count(*) FROM main.\"$table\"), (SELECT count(*) FROM dst.\"$table\"),
                (SELECT count(*) FROM (SELECT $sel FROM main.\"$table\" EXCEPT SELECT $sel FROM dst.\"$table\")),
                (SELECT count(*) FROM (SELECT $sel FROM dst.\"$table\" EXCEPT SELECT $sel FROM main.\"$table\"));") \
        || die "comparing $table (sqlite3 failed; is $dst there?)"
    read -r n_src n_dst only_src only_dst <<<"$out"
    say "$table: source $n_src rows, target $n_dst rows, only in source $only_src, only in target $only_dst"
    if [ "$n_src" != "$n_dst" ] || [ "$only_src" != 0 ] || [ "$only_dst" != 0 ]; then
        die "$table differs between $src and $dst"
    fi
    [ "$n_src" -gt 0 ] || die "$table is empty in the source"
    total=$((total + n_src))
done
say "compared ($(elapsed "$t"))"

echo "demo: source and target are identical ($total rows)"
say "total time $(elapsed "$t0")"
