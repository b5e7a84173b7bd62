#!/usr/bin/env python3
# bench/gen_sales.py: generate the benchmark/demo "sales" table (184 columns, shaped
# like the production table of DESIGN.md) or the small "currency" reference table, as
# SQL text for SQLite, PostgreSQL or MariaDB on stdout.
#
#   bench/gen_sales.py --engine sqlite --rows 100000 | sqlite3 src.db
#   bench/gen_sales.py --engine postgresql --shape wide --rows 200000 | psql -q ...
#   bench/gen_sales.py --engine mariadb --reference | mariadb ...
#
# Output: CREATE TABLE, then multi-row INSERTs (--batch rows each, default 500) inside
# one transaction, then CREATE INDEX on the partition column. Python 3 standard
# library only. Deterministic: the same arguments give byte-identical output.
#
# Columns of "sales" (184): id bigint primary key, sale_date date (the partition
# column, rows spread evenly over --months months from --from, ids in date order),
# created_at timestamp(3), 18 int + 2 smallint, 10 bigint, 40 numeric(19,4),
# 8 double, 60 varchar, 10 unicode varchar (non-ASCII incl. 4-byte emoji), 10 date,
# 10 timestamp(3), 10 boolean, 3 binary. Nullable columns are NULL in about
# --null-pct percent of rows (default 5). Values include edge cases on purpose:
# integer extremes, 15-digit decimals, 17-digit doubles, empty strings, quotes,
# zero-length binaries, dates 1000-01-01 and 9999-12-31, .999 milliseconds.
#
# Shapes: "seed" keeps strings short (the production-shaped variant), "wide" fills
# long varchars (varchar(200) to about 60%). Measured at the default 5% NULLs, 20,000
# rows: seed 1,370 bytes/row of values (text as UTF-8, numbers as 8), 1,400 in a
# SQLite file, ~1,040 in PostgreSQL (pg_column_size); wide 5,300 / 5,500 / ~5,000.
# 184 typed values cannot fit in 400-600 bytes at 5% NULLs: DRIVERS.md's ~530-byte
# variant has ~72% NULLs, which is `--shape seed --null-pct 72` (434 bytes/row of
# values, 590 in SQLite).
#
# Per-engine literal syntax: decimals are exact strings built from integers (never
# floats; quoted for SQLite, which would read an unquoted 1234.5600 as a REAL);
# doubles use Python's shortest round-trip repr (magnitudes up to 1e20 and a few
# edge values; --extreme-doubles adds the whole finite range); booleans are true/false on
# PostgreSQL and 1/0 elsewhere; binaries are '\x..' on PostgreSQL and x'..' elsewhere;
# SQLite timestamps are text 'YYYY-MM-DD HH:MM:SS.ffffff' and decimals are declared
# DECIMAL_TEXT(p,s) (text affinity, see DRIVERS.md); MariaDB tables are InnoDB utf8mb4.
#
# Speed: each column draws its values from a pool of pre-formatted literals
# (--pool distinct values per column, built from the seed), so a row costs one
# list pick per column: 200,000 seed rows take ~16 s to generate and ~30 s to load
# into SQLite through `| sqlite3` (both run at once).

import argparse
import datetime as dt
import math
import random
import struct
import sys

ENGINES = ("sqlite", "postgresql", "mariadb")

# -------------------------------------------------------------------- columns --

# Column kinds; each has a type name per engine. "{n}" is the declared length.
TYPES = {
    "bigint":    {"sqlite": "BIGINT", "postgresql": "bigint", "mariadb": "BIGINT"},
    "int":       {"sqlite": "INTEGER", "postgresql": "integer", "mariadb": "INT"},
    "smallint":  {"sqlite": "SMALLINT", "postgresql": "smallint", "mariadb": "SMALLINT"},
    "dec":       {"sqlite": "DECIMAL_TEXT({p},{s})", "postgresql": "numeric({p},{s})",
                  "mariadb": "DECIMAL({p},{s})"},
    "double":    {"sqlite": "DOUBLE", "postgresql": "double precision", "mariadb": "DOUBLE"},
    "varchar":   {"sqlite": "VARCHAR({n})", "postgresql": "varchar({n})", "mariadb": "VARCHAR({n})"},
    "uvarchar":  {"sqlite": "VARCHAR({n})", "postgresql": "varchar({n})", "mariadb": "VARCHAR({n})"},
    "char":      {"sqlite": "CHAR({n})", "postgresql": "char({n})", "mariadb": "CHAR({n})"},
    "date":      {"sqlite": "DATE", "postgresql": "date", "mariadb": "DATE"},
    "ts3":       {"sqlite": "TIMESTAMP", "postgresql": "timestamp(3)", "mariadb": "DATETIME(3)"},
    "bool":      {"sqlite": "BOOLEAN", "postgresql": "boolean", "mariadb": "BOOLEAN"},
    "binary":    {"sqlite": "BLOB", "postgresql": "bytea", "mariadb": "VARBINARY({n})"},
}


class Col:
    __slots__ = ("name", "kind", "n", "p", "s", "nullable", "fill")

    def __init__(self, name, kind, n=0, p=0, s=0, nullable=True, fill=(0.0, 0.0)):
        self.name, self.kind, self.n, self.p, self.s = name, kind, n, p, s
        self.nullable, self.fill = nullable, fill

    def ddl_type(self, engine):
        return TYPES[self.kind][engine].format(n=self.n, p=self.p, s=self.s)


def sales_columns(shape):
    """The 184 columns of the sales table for a shape."""
    cols = [
        Col("id", "bigint", nullable=False),
        Col("sale_date", "date", nullable=False),
        Col("created_at", "ts3", nullable=False),
    ]
    for i in range(1, 19):
        cols.append(Col("qty_%02d" % i, "int"))
    for i in range(1, 3):
        cols.append(Col("code_%02d" % i, "smallint"))
    for i in range(1, 11):
        cols.append(Col("ref_%02d" % i, "bigint"))
    for i in range(1, 41):
        cols.append(Col("amount_%02d" % i, "dec", p=19, s=4))
    for i in range(1, 9):
        cols.append(Col("ratio_%02d" % i, "double"))
    for i in range(60):
        if shape == "seed":
            # varchar(10) .. varchar(100), filled with short values (1..10 chars)
            n = 10 + 10 * (i % 10)
            fill = (0.02, 0.10)
        else:
            # a third varchar(200) filled ~60%, the rest 10..100 filled ~60%
            n = 200 if i % 3 == 0 else 10 + 10 * (i % 10)
            fill = (0.40, 0.80)
        cols.append(Col("text_%02d" % (i + 1), "varchar", n=n, fill=fill))
    for i in range(10):
        if shape == "seed":
            n, fill = 20 + 10 * (i % 4), (0.05, 0.30)
        else:
            n, fill = 80, (0.40, 0.80)
        cols.append(Col("utext_%02d" % (i + 1), "uvarchar", n=n, fill=fill))
    for i in range(1, 11):
        cols.append(Col("day_%02d" % i, "date"))
    for i in range(1, 11):
        cols.append(Col("at_%02d" % i, "ts3"))
    for i in range(1, 11):
        cols.append(Col("flag_%02d" % i, "bool"))
    for i in range(1, 4):
        if shape == "seed":
            cols.append(Col("blob_%02d" % i, "binary", n=16, fill=(0.0, 1.0)))
        else:
            cols.append(Col("blob_%02d" % i, "binary", n=64, fill=(0.25, 1.0)))
    assert len(cols) == 184, len(cols)
    return cols


# ------------------------------------------------------------------- literals --

ASCII = ("abcdefghijklmnopqrstuvwxyz" * 3 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "0123456789"
         + "      " + "-_.,:;/#&()'")
# non-ASCII palette: 2-byte (Latin-1, Greek, Cyrillic), 3-byte (CJK, €), 4-byte (emoji)
UNICODE = (list("éèêëàâäçñöüßÆØÅæøåłŁżźćńśŚąęžšč") + list("αβγδεζηθλμπσφωΩΣ")
           + list("абвгдежзийклмнопрстуфхцчшщыэюяЖЩ") + list("中文字符東京大阪円元€₽₹")
           + ["\U0001F600", "\U0001F680", "\U0001F4B0", "\U0001F30D", "\U0001F9FE", "\U0001F44D"])


def q(s):
    """A SQL string literal (standard SQL quoting; the data holds no backslash)."""
    return "'" + s.replace("'", "''") + "'"


def ymd(days):
    return (dt.date(1, 1, 1) + dt.timedelta(days=days)).isoformat()


DATE_LO = dt.date(1900, 1, 1).toordinal() - 1
DATE_HI = dt.date(2099, 12, 31).toordinal() - 1


class Literals:
    """Formats values as SQL literals for one engine."""

    def __init__(self, engine):
        self.engine = engine
        self.true, self.false = ("true", "false") if engine == "postgresql" else ("1", "0")

    def ts(self, date_iso, ms_of_day):
        sec, ms = divmod(ms_of_day, 1000)
        h, rem = divmod(sec, 3600)
        m, s = divmod(rem, 60)
        if self.engine == "sqlite":
            return "'%s %02d:%02d:%02d.%03d000'" % (date_iso, h, m, s, ms)
        return "'%s %02d:%02d:%02d.%03d'" % (date_iso, h, m, s, ms)

    def dec(self, text):
        # SQLite parses an unquoted 1234.5600 as a REAL (then stored as text
        # "1234.56", or "1.0e+15" past 15 digits): quote it to keep it exact.
        return "'" + text + "'" if self.engine == "sqlite" else text

    def binary(self, b):
        if self.engine == "postgresql":
            return "'\\x" + b.hex() + "'"
        return "x'" + b.hex() + "'"


def dec_text(units, scale):
    """An exact decimal string from an integer count of 10**-scale units."""
    sign = "-" if units < 0 else ""
    ip, fp = divmod(abs(units), 10 ** scale)
    if scale == 0:
        return sign + str(ip)
    return "%s%d.%0*d" % (sign, ip, scale, fp)


def value_gen(col, rng, lit, extreme=False):
    """A function returning one random SQL literal for col (never NULL)."""
    k = col.kind
    if k == "int":
        def f():
            r = rng.random()
            if r < 0.02:
                return rng.choice(("-2147483648", "2147483647", "0"))
            if r < 0.10:
                return str(rng.randint(-2147483648, 2147483647))
            return str(rng.randint(0, 999))
        return f
    if k == "smallint":
        def f():
            r = rng.random()
            if r < 0.02:
                return rng.choice(("-32768", "32767"))
            return str(rng.randint(-500, 5000))
        return f
    if k == "bigint":
        def f():
            r = rng.random()
            if r < 0.02:
                return rng.choice(("-9223372036854775808", "9223372036854775807"))
            if r < 0.10:
                return str(rng.randint(-2 ** 63, 2 ** 63 - 1))
            return str(rng.randint(0, 10 ** 6))
        return f
    if k == "dec":
        top = 10 ** col.p - 1  # largest unscaled value that fits
        def f():
            r = rng.random()
            if r < 0.01:
                return lit.dec(dec_text(rng.choice((top, -top, 0)), col.s))
            if r < 0.06:    # up to the full precision: beyond what a double holds
                return lit.dec(dec_text(rng.randint(-top, top), col.s))
            if r < 0.25:
                return lit.dec(dec_text(rng.randint(-10 ** (col.s + 6), 10 ** (col.s + 6)), col.s))
            return lit.dec(dec_text(rng.randint(0, 10 ** (col.s + 3)), col.s))
        return f
    if k == "double":
        edges = ("0.0", "-0.5", "1e-300", "2.2250738585072014e-308", "4.9406564584124654e-324",
                 "9007199254740991.0")
        def f():
            r = rng.random()
            if extreme and r < 0.05:
                if r < 0.01:
                    return rng.choice(("1.7976931348623157e+308", "-1.7976931348623157e+308"))
                while True:    # any finite double: exponents up to +-308
                    v = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
                    if math.isfinite(v):
                        return repr(v)
            if r < 0.02:
                return rng.choice(edges)
            if r < 0.30:
                return repr(rng.uniform(-1e6, 1e6))
            if r < 0.40:
                return repr(rng.random() * 10.0 ** rng.randint(-20, 20))
            return repr(rng.random())
        return f
    if k in ("varchar", "uvarchar"):
        lo = max(0, int(col.n * col.fill[0]))
        hi = max(lo, min(col.n, int(round(col.n * col.fill[1]))))
        pal = ASCII if k == "varchar" else None
        def f():
            n = rng.randint(lo, hi)
            if k == "varchar":
                if rng.random() < 0.01:
                    return "''"
                return q("".join(rng.choices(pal, k=n)))
            # about a third non-ASCII characters, the rest ASCII letters
            na = rng.randint(1, max(1, n // 3)) if n else 0
            chars = rng.choices(ASCII, k=n - na) + rng.choices(UNICODE, k=na)
            rng.shuffle(chars)
            return q("".join(chars))
        return f
    if k == "date":
        def f():
            r = rng.random()
            if r < 0.01:
                return q(rng.choice(("1000-01-01", "9999-12-31", "1900-01-01", "2000-02-29")))
            return q(ymd(rng.randint(DATE_LO, DATE_HI)))
        return f
    if k == "ts3":
        def f():
            r = rng.random()
            if r < 0.01:
                return rng.choice((lit.ts("9999-12-31", 86399999), lit.ts("1000-01-01", 0),
                                   lit.ts("2024-02-29", 86399999)))
            d = ymd(rng.randint(DATE_LO, DATE_HI))
            return lit.ts(d, rng.randrange(86400000))
        return f
    if k == "bool":
        return lambda: lit.true if rng.random() < 0.5 else lit.false
    if k == "binary":
        lo = int(col.n * col.fill[0])
        hi = max(lo, int(col.n * col.fill[1]))
        return lambda: lit.binary(rng.getrandbits(8 * col.n).to_bytes(col.n, "little")[:rng.randint(lo, hi)])
    raise ValueError(k)


def make_pool(col, rng, lit, size, null_pct, extreme=False):
    gen = value_gen(col, rng, lit, extreme)
    pool = [gen() for _ in range(size)]
    if col.nullable and null_pct > 0:
        nnull = int(round(size * null_pct / 100.0))
        for i in rng.sample(range(size), nnull):
            pool[i] = "NULL"
    return pool


# ------------------------------------------------------------------------ DDL --

def qi(name, engine):
    return "`%s`" % name if engine == "mariadb" else '"%s"' % name


def create_table(table, cols, pk, engine, drop):
    out = []
    if drop:
        out.append("DROP TABLE IF EXISTS %s;\n" % qi(table, engine))
    lines = []
    for c in cols:
        lines.append("  %s %s%s" % (qi(c.name, engine), c.ddl_type(engine),
                                    "" if c.nullable else " NOT NULL"))
    lines.append("  PRIMARY KEY (%s)" % qi(pk, engine))
    tail = ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;\n" if engine == "mariadb" else ");\n"
    out.append("CREATE TABLE %s (\n%s\n%s" % (qi(table, engine), ",\n".join(lines), tail))
    return "".join(out)


def preamble(engine):
    if engine == "postgresql":
        return "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nBEGIN;\n"
    if engine == "mariadb":
        return "SET NAMES utf8mb4;\nSET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\nSTART TRANSACTION;\n"
    return "BEGIN;\n"


# ---------------------------------------------------------------------- tables --

def add_months(d, n):
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


def month_plan(start, months, rows):
    """Per month (first day, number of days, rows): rows spread evenly over months."""
    plan = []
    first = dt.date(start.year, start.month, 1)
    for m in range(months):
        a = add_months(first, m)
        b = add_months(first, m + 1)
        lo = a if m else max(a, start)
        n = rows * (m + 1) // months - rows * m // months
        plan.append((lo, (b - lo).days, n))
    return plan


def emit_sales(a, w):
    eng = a.engine
    lit = Literals(eng)
    rng = random.Random("gen_sales:%s:%s" % (a.seed, a.shape))
    cols = sales_columns(a.shape)
    w(preamble(eng))
    w(create_table(a.table, cols, "id", eng, a.drop))
    pool_size = max(16, min(a.pool, a.rows))
    pools = [make_pool(c, rng, lit, pool_size, a.null_pct, a.extreme_doubles) for c in cols[3:]]
    head = "INSERT INTO %s (%s) VALUES\n" % (qi(a.table, eng), ",".join(qi(c.name, eng) for c in cols))
    choices = rng.choices

    # the partition column and created_at for every row, in id order
    def keys():
        for first, ndays, n in month_plan(a.start, a.months, a.rows):
            for j in range(n):
                d = (first + dt.timedelta(days=j * ndays // n)).isoformat()
                yield d
    rid = 0
    batch = []
    gen = keys()
    left = a.rows
    while left > 0:
        n = min(a.batch, left)
        left -= n
        picked = [choices(p, k=n) for p in pools]
        stamps = [rng.randrange(86400000) for _ in range(n)]
        batch = []
        for r, vals in enumerate(zip(*picked)):
            rid += 1
            d = next(gen)
            batch.append("(%d,'%s',%s,%s)" % (rid, d, lit.ts(d, stamps[r]), ",".join(vals)))
        w(head + ",\n".join(batch) + ";\n")
    w("COMMIT;\n")
    w("CREATE INDEX %s ON %s (%s);\n" % (qi(a.table + "_sale_date", eng), qi(a.table, eng), qi("sale_date", eng)))


# A few real currencies (code, name); the rest of the table is made-up codes.
CURRENCIES = [
    ("EUR", "Euro"), ("USD", "US Dollar"), ("GBP", "Pound Sterling"), ("JPY", "Yen"),
    ("CHF", "Swiss Franc"), ("SEK", "Swedish Krona"), ("NOK", "Norwegian Krone"),
    ("DKK", "Danish Krone"), ("PLN", "Złoty"), ("CZK", "Czech Koruna"), ("HUF", "Forint"),
    ("ISK", "Iceland Króna"), ("RUB", "Russian Ruble (Рубль)"), ("CNY", "Yuan Renminbi (人民币)"),
    ("INR", "Indian Rupee (₹)"), ("VND", "Đồng"), ("TRY", "Turkish Lira"), ("AUD", "Australian Dollar"),
    ("CAD", "Canadian Dollar"), ("NZD", "New Zealand Dollar"), ("BRL", "Brazilian Real"),
    ("MXN", "Mexican Peso"), ("ZAR", "Rand"), ("KRW", "Won (원)"), ("SGD", "Singapore Dollar"),
    ("HKD", "Hong Kong Dollar"), ("ILS", "New Israeli Sheqel"), ("THB", "Baht (บาท)"),
    ("KWD", "Kuwaiti Dinar"), ("XAU", "Gold \U0001FA99"),
]


def emit_currency(a, w):
    eng = a.engine
    lit = Literals(eng)
    rng = random.Random("gen_sales:%s:currency" % a.seed)
    cols = [Col("code", "char", n=3, nullable=False), Col("name", "varchar", n=50),
            Col("rate", "dec", p=19, s=6), Col("updated", "date")]
    w(preamble(eng))
    w(create_table(a.table, cols, "code", eng, a.drop))
    rows = list(CURRENCIES[:a.rows])
    seen = {c for c, _ in rows}
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while len(rows) < a.rows:
        code = "".join(rng.choices(letters, k=3))
        if code in seen:
            continue
        seen.add(code)
        rows.append((code, "Currency %s" % code))
    end = add_months(dt.date(a.start.year, a.start.month, 1), a.months)
    span = (end - a.start).days
    vals = []
    for code, name in rows:
        rate = lit.dec(dec_text(rng.randint(1, 10 ** 10), 6) if code != "EUR" else "1.000000")
        upd = (a.start + dt.timedelta(days=rng.randrange(span))).isoformat()
        vals.append("(%s,%s,%s,%s)" % (q(code), q(name) if rng.random() > 0.02 else "NULL",
                                       rate, q(upd)))
    head = "INSERT INTO %s (%s) VALUES\n" % (qi(a.table, eng), ",".join(qi(c.name, eng) for c in cols))
    for i in range(0, len(vals), a.batch):
        w(head + ",\n".join(vals[i:i + a.batch]) + ";\n")
    w("COMMIT;\n")


# ------------------------------------------------------------------------ main --

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="gen_sales.py",
        description="Generate the benchmark/demo sales table (or --reference: the currency "
                    "table) as SQL on stdout, deterministically from --seed.")
    p.add_argument("--engine", choices=ENGINES, default="sqlite", help="SQL dialect (default sqlite)")
    p.add_argument("--shape", choices=("seed", "wide"), default="seed",
                   help="seed: short strings; wide: long varchars, ~5 KB/row (default seed)")
    p.add_argument("--rows", type=int, help="rows to generate (default 10000; 150 with --reference)")
    p.add_argument("--from", dest="start", default="2024-01-01", help="first sale_date (default 2024-01-01)")
    p.add_argument("--months", type=int, default=12, help="months the rows are spread over (default 12)")
    p.add_argument("--seed", default="1", help="random seed (default 1)")
    p.add_argument("--table", help="table name (default sales, or currency with --reference)")
    p.add_argument("--reference", action="store_true", help="generate the currency reference table")
    p.add_argument("--batch", type=int, default=500, help="rows per INSERT statement (default 500)")
    p.add_argument("--null-pct", type=float, default=5.0,
                   help="percent of NULLs in nullable columns (default 5)")
    p.add_argument("--pool", type=int, default=4096,
                   help="distinct values drawn per column (default 4096)")
    p.add_argument("--drop", action="store_true", help="emit DROP TABLE IF EXISTS first")
    p.add_argument("--extreme-doubles", action="store_true",
                   help="also draw doubles from the whole finite range (exponents to +-308, "
                        "+-DBL_MAX); SQLite before 3.43 does not round-trip all of those as text")
    a = p.parse_args(argv)
    try:
        a.start = dt.date.fromisoformat(a.start)
    except ValueError:
        p.error("--from: expected YYYY-MM-DD, got %r" % a.start)
    if a.rows is None:
        a.rows = 150 if a.reference else 10000
    if a.rows < 0:
        p.error("--rows must be >= 0")
    if a.months < 1:
        p.error("--months must be >= 1")
    if a.batch < 1:
        p.error("--batch must be >= 1")
    if not 0 <= a.null_pct <= 100:
        p.error("--null-pct must be between 0 and 100")
    if a.pool < 1:
        p.error("--pool must be >= 1")
    if a.reference and a.rows > 26 ** 3:
        p.error("--reference: at most %d rows" % 26 ** 3)
    if a.table is None:
        a.table = "currency" if a.reference else "sales"
    if not a.table.replace("_", "").isalnum():
        p.error("--table: letters, digits and _ only")
    return a


def main(argv):
    a = parse_args(argv)
    out = sys.stdout.buffer
    buf = []
    size = [0]

    def w(s):
        buf.append(s)
        size[0] += len(s)
        if size[0] > 1 << 20:
            out.write("".join(buf).encode("utf-8"))
            buf.clear()
            size[0] = 0
    try:
        if a.reference:
            emit_currency(a, w)
        else:
            emit_sales(a, w)
        out.write("".join(buf).encode("utf-8"))
        out.flush()
    except BrokenPipeError:
        sys.stderr.write("gen_sales.py: output pipe closed early\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
