#!/usr/bin/env python3
# bench/compare.py: compare the benchmark's sales table between a source and a target,
# value by value, through the databases' own command-line clients (never through
# ODBC, so a driver's rounding cannot hide a difference).
#
#   bench/compare.py --shape seed --src pg:rpl_src --dst mariadb:rpl_dst
#   bench/compare.py --src sqlite:/tmp/src.db --dst sqlite:/tmp/dst.db
#
# Endpoints: pg:DATABASE and mariadb:DATABASE (servers of tests/harness/servers.sh:
# connection from RPL_TEST_PG_PORT / RPL_TEST_MARIADB_PORT, user replicad, password
# RPL_TEST_PASSWORD, over TCP on 127.0.0.1; clients RPL_TEST_PSQL and
# RPL_TEST_MARIADB_CLIENT or mariadb on PATH), sqlite:PATH (sqlite3 on PATH).
#
# PostgreSQL/MariaDB: both tables are read ordered by id, every column rendered to
# one canonical text per engine in SQL (timestamps with 6 fractional digits,
# booleans as 0/1, binaries as lower-case hex, dates ISO, decimals as the server
# prints numeric(19,4)), doubles parsed and compared as IEEE doubles (the engines
# print the same double differently: 1e+15 and 1e15), NULL kept apart from every
# string. Rows are matched on id: missing, extra and differing rows are counted, and
# every differing value is counted per column. Columns are those of
# bench/gen_sales.py for --shape (the same 184 names in every engine).
#
# SQLite to SQLite: ATTACH and EXCEPT both ways over every column and its storage
# class (typeof), as tools/demo.sh does: a decimal that arrives as REAL, or a double
# that arrives as text, differs.
#
# Prints one JSON object (equal, rows_src, rows_dst, missing, extra, rows_differ,
# values_differ, columns: {column: count}, examples: [...]) and exits 0 when the
# tables are equal, 1 when they differ, 2 on an error.

import argparse
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True   # no bench/__pycache__ from importing gen_sales
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_sales  # noqa: E402


def die(msg):
    sys.stderr.write("compare.py: %s\n" % msg)
    sys.exit(2)


# ------------------------------------------------------------ canonical SQL --

def pg_expr(c):
    n = '"%s"' % c.name
    if c.kind == "bool":
        return "(%s)::int" % n
    if c.kind == "binary":
        return "encode(%s, 'hex')" % n
    if c.kind == "ts3":
        return "to_char(%s, 'YYYY-MM-DD HH24:MI:SS.US')" % n
    if c.kind == "date":
        return "to_char(%s, 'YYYY-MM-DD')" % n
    return n


def my_expr(c):
    n = "`%s`" % c.name
    if c.kind == "bool":
        e = "%s + 0" % n
    elif c.kind == "binary":
        e = "LOWER(HEX(%s))" % n
    elif c.kind == "ts3":
        e = "DATE_FORMAT(%s, '%%Y-%%m-%%d %%H:%%i:%%s.%%f')" % n
    elif c.kind == "date":
        e = "DATE_FORMAT(%s, '%%Y-%%m-%%d')" % n
    else:
        e = n
    # every non-NULL value starts with '=', so the client's bare NULL is unambiguous
    return "CONCAT('=', %s)" % e


PG_ESC = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
MY_ESC = {"0": "\0", "n": "\n", "t": "\t", "\\": "\\"}


def unescape(s, table):
    out = []
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == "\\" and i + 1 < n:
            out.append(table.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def pg_values(line):
    vals = line.split("\t")
    if "\\" not in line:
        return vals
    return [v if "\\" not in v else None if v == "\\N" else unescape(v, PG_ESC) for v in vals]


def my_values(line):
    vals = line.split("\t")
    if "\\" not in line:
        return [v[1:] if v != "NULL" else None for v in vals]
    return [None if v == "NULL" else unescape(v[1:], MY_ESC) if "\\" in v else v[1:] for v in vals]


class Endpoint:
    def __init__(self, spec, cols):
        eng, _, where = spec.partition(":")
        if eng not in ("pg", "mariadb", "sqlite") or not where:
            die("endpoint %r: expected pg:DATABASE, mariadb:DATABASE or sqlite:PATH" % spec)
        self.engine, self.where, self.cols = eng, where, cols
        self.dbl = [i for i, c in enumerate(cols) if c.kind == "double"]

    def command(self, table):
        env = dict(os.environ)
        pw = env.get("RPL_TEST_PASSWORD", "")
        if self.engine == "pg":
            port = env.get("RPL_TEST_PG_PORT") or die("RPL_TEST_PG_PORT is not set")
            psql = env.get("RPL_TEST_PSQL", "psql")
            sel = ", ".join(pg_expr(c) for c in self.cols)
            sql = 'COPY (SELECT %s FROM "%s" ORDER BY "id") TO STDOUT' % (sel, table)
            env.update(PGPASSWORD=pw, PGCLIENTENCODING="UTF8",
                       PGOPTIONS="-c extra_float_digits=3 -c DateStyle=ISO,YMD")
            return [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", port,
                    "-U", "replicad", "-d", self.where, "-c", sql], env
        port = env.get("RPL_TEST_MARIADB_PORT") or die("RPL_TEST_MARIADB_PORT is not set")
        client = env.get("RPL_TEST_MARIADB_CLIENT", "mariadb")
        sel = ", ".join(my_expr(c) for c in self.cols)
        sql = "SELECT %s FROM `%s` ORDER BY `id`" % (sel, table)
        env.update(MYSQL_PWD=pw)
        return [client, "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", port,
                "-u", "replicad", "--batch", "--skip-column-names", "--quick",
                "--default-character-set=utf8mb4", "-e", sql, self.where], env

    def rows(self, table):
        """Yield (id, raw line) in id order."""
        cmd, env = self.command(table)
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        skip = 0 if self.engine == "pg" else 1     # MariaDB values start with '='
        for raw in self.proc.stdout:
            line = raw.decode("utf-8").rstrip("\n")
            yield int(line[skip:line.index("\t")]), line
        err = self.proc.stderr.read().decode("utf-8", "replace")
        if self.proc.wait() != 0:
            die("%s: %s failed: %s" % (self.spec(), cmd[0], err.strip()))

    def values(self, line):
        """The canonical values of a raw line: None for NULL, doubles as floats."""
        vals = pg_values(line) if self.engine == "pg" else my_values(line)
        if len(vals) != len(self.cols):
            die("%s: a row with %d fields, expected %d: %.200r" % (self.spec(), len(vals), len(self.cols), line))
        for i in self.dbl:
            if vals[i] is not None:
                vals[i] = float(vals[i])
        return vals

    def spec(self):
        return "%s:%s" % (self.engine, self.where)


def same(a, b):
    if type(a) is float and type(b) is float:
        # equal doubles, and the same sign of zero; NaN never appears in the data
        return a == b and (a != 0.0 or str(a) == str(b))
    return a == b


def compare_servers(src, dst, table, max_examples):
    names = [c.name for c in src.cols]
    res = {"rows_src": 0, "rows_dst": 0, "missing": 0, "extra": 0, "rows_differ": 0,
           "values_differ": 0, "columns": {}, "examples": []}
    same_engine = src.engine == dst.engine
    a, b = src.rows(table), dst.rows(table)
    ra, rb = next(a, None), next(b, None)
    while ra is not None or rb is not None:
        if rb is None or (ra is not None and ra[0] < rb[0]):
            res["rows_src"] += 1
            res["missing"] += 1
            if len(res["examples"]) < max_examples:
                res["examples"].append({"id": ra[0], "what": "missing in target"})
            ra = next(a, None)
            continue
        if ra is None or rb[0] < ra[0]:
            res["rows_dst"] += 1
            res["extra"] += 1
            if len(res["examples"]) < max_examples:
                res["examples"].append({"id": rb[0], "what": "only in target"})
            rb = next(b, None)
            continue
        res["rows_src"] += 1
        res["rows_dst"] += 1
        if same_engine and ra[1] == rb[1]:
            ra, rb = next(a, None), next(b, None)
            continue
        va, vb = src.values(ra[1]), dst.values(rb[1])
        if va != vb:
            bad = [i for i in range(len(va)) if not same(va[i], vb[i])]
            if bad:
                res["rows_differ"] += 1
                res["values_differ"] += len(bad)
                for i in bad:
                    res["columns"][names[i]] = res["columns"].get(names[i], 0) + 1
                    if len(res["examples"]) < max_examples:
                        res["examples"].append({"id": ra[0], "column": names[i],
                                                "source": va[i], "target": vb[i]})
        ra, rb = next(a, None), next(b, None)
    return res


# ------------------------------------------------------------------ SQLite --

def sqlite3_run(db, sql):
    p = subprocess.run(["sqlite3", "-readonly", "-bail", "-batch", "-separator", "\t", db, sql],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        die("sqlite3 %s: %s" % (db, p.stderr.decode("utf-8", "replace").strip()))
    return p.stdout.decode("utf-8")


def compare_sqlite(src, dst, table, max_examples):
    cols = sqlite3_run(src, "SELECT name FROM pragma_table_info('%s') ORDER BY cid" % table).split()
    if not cols:
        die("%s has no table %s" % (src, table))
    qc = ['"%s"' % c for c in cols]
    sel = ", ".join("%s, typeof(%s)" % (c, c) for c in qc)
    att = "ATTACH '%s' AS dst;\n" % dst.replace("'", "''")
    t = '"%s"' % table
    only = lambda a, b: "SELECT %s FROM %s.%s EXCEPT SELECT %s FROM %s.%s" % (sel, a, t, sel, b, t)
    out = sqlite3_run(src, att + "SELECT (SELECT count(*) FROM main.%s), (SELECT count(*) FROM dst.%s), "
                      "(SELECT count(*) FROM (%s)), (SELECT count(*) FROM (%s));"
                      % (t, t, only("main", "dst"), only("dst", "main")))
    n_src, n_dst, only_src, only_dst = (int(x) for x in out.split())
    res = {"rows_src": n_src, "rows_dst": n_dst, "rows_only_in_source": only_src,
           "rows_only_in_target": only_dst, "columns": {}, "examples": []}
    if only_src or only_dst:
        # name the differing columns of a few rows
        ids = sqlite3_run(src, att + 'SELECT "id" FROM (%s) UNION SELECT "id" FROM (%s) ORDER BY 1 LIMIT %d;'
                          % (only("main", "dst"), only("dst", "main"), max_examples)).split()
        for rid in ids:
            for c in qc:
                q = ("SELECT quote(s.%s), typeof(s.%s), quote(d.%s), typeof(d.%s) FROM main.%s s "
                     "LEFT JOIN dst.%s d ON d.id = s.id WHERE s.id = %s AND (d.id IS NULL OR "
                     "s.%s IS NOT d.%s OR typeof(s.%s) <> typeof(d.%s))"
                     % (c, c, c, c, t, t, int(rid), c, c, c, c))
                row = sqlite3_run(src, att + q + ";").strip()
                if row:
                    res["columns"][c.strip('"')] = res["columns"].get(c.strip('"'), 0) + 1
                    if len(res["examples"]) < max_examples:
                        res["examples"].append({"id": int(rid), "column": c.strip('"'), "source|target": row})
    res["missing"] = max(0, n_src - n_dst)
    res["rows_differ"] = max(only_src, only_dst)
    res["values_differ"] = None  # EXCEPT counts rows, not values
    return res


def main(argv):
    p = argparse.ArgumentParser(prog="compare.py", description="Compare the sales table value by value.")
    p.add_argument("--src", required=True, help="pg:DB, mariadb:DB or sqlite:PATH")
    p.add_argument("--dst", required=True, help="pg:DB, mariadb:DB or sqlite:PATH")
    p.add_argument("--shape", choices=("seed", "wide"), default="seed")
    p.add_argument("--table", default="sales")
    p.add_argument("--examples", type=int, default=10, help="differences to show (default 10)")
    a = p.parse_args(argv)
    if not a.table.replace("_", "").isalnum():
        die("--table: letters, digits and _ only")
    cols = gen_sales.sales_columns(a.shape)
    src, dst = Endpoint(a.src, cols), Endpoint(a.dst, cols)
    if (src.engine == "sqlite") != (dst.engine == "sqlite"):
        die("SQLite compares only with SQLite")
    if src.engine == "sqlite":
        res = compare_sqlite(src.where, dst.where, a.table, a.examples)
    else:
        res = compare_servers(src, dst, a.table, a.examples)
    res["equal"] = (res["rows_src"] == res["rows_dst"] and not res["missing"] and not res["extra"]
                    if "extra" in res else res["rows_src"] == res["rows_dst"]) and not res["rows_differ"]
    res = dict([("equal", res.pop("equal"))] + list(res.items()))
    print(json.dumps(res, default=str, ensure_ascii=False))
    return 0 if res["equal"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
