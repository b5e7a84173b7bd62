#!/usr/bin/env python3
# bench/pyodbc_copy.py: the legacy way of copying a table, kept as the benchmark's
# baseline: pyodbc, SELECT * on the source, fetchmany, executemany of a plain
# parameterised INSERT on the target, commit every 100,000 rows. This is the
# approach replicad replaces (DESIGN.md: a Python script at ~2,300 rows/s); it is
# deliberately not tuned (no fast_executemany, no driver options: the connection
# strings are used as given).
#
#   bench/pyodbc_copy.py --src 'Driver=PostgreSQL Unicode;Server=...;Database=rpl_src;Uid=replicad' \
#       --dst 'Driver=MariaDB Unicode;...;Database=rpl_dst;Uid=replicad' \
#       [--password-file FILE] [--table sales] [--fetch 10000] [--commit 100000]
#
# The target table must exist (the benchmark creates it from bench/gen_sales.py's DDL).
# --password-file: its first line is added as PWD to every connection string that
# names a Uid (never on the command line). Prints one JSON object: rows, seconds.
# Needs python3-pyodbc (Debian), run with /usr/bin/python3.

import argparse
import json
import sys
import time

try:
    import pyodbc
except ImportError:
    sys.stderr.write("pyodbc_copy.py: pyodbc is not installed (apt-get install python3-pyodbc; "
                     "run with /usr/bin/python3)\n")
    sys.exit(2)


def with_password(conn, pw):
    if pw is None or "uid=" not in conn.lower() or "pwd=" in conn.lower():
        return conn
    return conn.rstrip(";") + ";PWD={" + pw.replace("}", "}}") + "}"


def connect(conn):
    c = pyodbc.connect(conn, autocommit=False)
    if "sqlite" in conn.lower() or "mariadb" in conn.lower() or "mysql" in conn.lower():
        # pyodbc's advice for MySQL/MariaDB (and sqliteodbc): UTF-8 both ways, else
        # 4-byte characters arrive as broken UTF-16 from Connector/ODBC 3.1.15
        c.setdecoding(pyodbc.SQL_CHAR, encoding="utf-8")
        c.setdecoding(pyodbc.SQL_WCHAR, encoding="utf-8")
        c.setencoding(encoding="utf-8")
    return c


def main(argv):
    p = argparse.ArgumentParser(prog="pyodbc_copy.py", description="Copy a table with pyodbc (the legacy way).")
    p.add_argument("--src", required=True, help="source ODBC connection string")
    p.add_argument("--dst", required=True, help="target ODBC connection string")
    p.add_argument("--password-file", help="password for connection strings with a Uid")
    p.add_argument("--table", default="sales")
    p.add_argument("--fetch", type=int, default=10000, help="rows per fetchmany/executemany (default 10000)")
    p.add_argument("--commit", type=int, default=100000, help="rows between commits (default 100000)")
    a = p.parse_args(argv)
    if not a.table.replace("_", "").isalnum():
        p.error("--table: letters, digits and _ only")
    pw = None
    if a.password_file:
        with open(a.password_file, encoding="utf-8") as f:
            pw = f.readline().rstrip("\n")

    t0 = time.monotonic()
    src = connect(with_password(a.src, pw))
    dst = connect(with_password(a.dst, pw))
    cur = src.cursor()
    cur.execute("SELECT * FROM %s" % a.table)
    cols = [d[0] for d in cur.description]
    ins = "INSERT INTO %s (%s) VALUES (%s)" % (a.table, ", ".join(cols), ", ".join("?" * len(cols)))
    out = dst.cursor()
    rows = since = 0
    while True:
        batch = cur.fetchmany(a.fetch)
        if not batch:
            break
        out.executemany(ins, batch)
        rows += len(batch)
        since += len(batch)
        if since >= a.commit:
            dst.commit()
            since = 0
    dst.commit()
    src.close()
    dst.close()
    print(json.dumps({"rows": rows, "seconds": round(time.monotonic() - t0, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
