#!/usr/bin/env python3
# bench/report.py: helpers of bench/run.sh.
#
#   report.py account FILE      read `replicad run --json` output; print one line:
#                               rows_written bytes rows_rejected failed phases
#                               (phases: DELETE=ms,INSERT=ms,... summed over partitions)
#   report.py render TSV INFO   print the result tables (text) and write Markdown
#                               with --md FILE; INFO is a file of "key<TAB>value" lines
#                               (machine, versions, command) shown above the tables
#
# TSV columns (written by run.sh, one line per timed run): shape pair method run status
# rows bytes seconds rss_kb exact phases note. The tables show, per shape and pair,
# each method's median run (by seconds); MB/s is the bytes of values replicad's
# account reports for that pair's data (10^6 bytes) divided by each method's seconds,
# so every method of a pair is measured against the same amount of data.

import argparse
import json
import statistics
import sys

PHASES = ("DELETE", "DISABLE_IDX", "INSERT", "COMMIT", "REBUILD_IDX", "TOTAL")
PAIR_NAMES = {
    "sqlite-sqlite": "SQLite → SQLite", "pg-pg": "PostgreSQL → PostgreSQL",
    "mariadb-mariadb": "MariaDB → MariaDB", "pg-mariadb": "PostgreSQL → MariaDB",
    "mariadb-pg": "MariaDB → PostgreSQL",
}
METHOD_NAMES = {
    "replicad": "replicad run",
    "pg-copy": "native: psql \\copy binary | psql \\copy binary",
    "mariadb-dump": "native: mariadb-dump | mariadb",
    "mydumper": "native: mydumper, then myloader, 2 threads",
    "sqlite-attach": "native: ATTACH + INSERT … SELECT",
    "pyodbc": "pyodbc fetchmany + executemany (legacy)",
}
# native reference(s) by target engine, and the goal for replicad/native (issue #8)
NATIVE = {"pg": (("pg-copy",), 0.8), "mariadb": (("mariadb-dump", "mydumper"), 1.0),
          "sqlite": (("sqlite-attach",), 0.15)}
PYODBC_GOAL = 5.0   # on the seed shape


def account(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        a = json.loads(text)
    except ValueError:
        print("0 0 0 1 -")
        return 0
    t = a.get("totals", {})
    ms = dict.fromkeys(PHASES, 0)
    for p in a.get("partitions", []):
        for k, v in p.get("ms", {}).items():
            ms[k] = ms.get(k, 0) + int(v)
    phases = ",".join("%s=%d" % (k, v) for k, v in ms.items())
    print("%d %d %d %d %s" % (t.get("rows_written", 0), t.get("bytes", 0), t.get("rows_rejected", 0),
                              t.get("failed", 0), phases))
    return 0


def load(tsv):
    runs = []
    with open(tsv, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            vals = line.rstrip("\n").split("\t")
            r = dict(zip(head, vals))
            for k in ("rows", "bytes", "rss_kb", "run"):
                r[k] = int(r[k]) if r.get(k, "") not in ("", "-") else None
            r["seconds"] = float(r["seconds"]) if r.get("seconds", "") not in ("", "-") else None
            runs.append(r)
    return runs


def median_run(rs):
    ok = [r for r in rs if r["status"] == "ok" and r["seconds"]]
    if not ok:
        return rs[0], len(rs), 0
    ok.sort(key=lambda r: r["seconds"])
    m = ok[(len(ok) - 1) // 2]   # an even count takes the faster of the two middle runs
    return m, len(rs), len(ok)


def fmt_int(v):
    return "{:,}".format(int(round(v))) if v is not None else "–"


def fmt_f(v, nd=1):
    return ("{:,.%df}" % nd).format(v) if v is not None else "–"


def ratio(a, b):
    return a / b if a and b else None


def render(tsv, info, md_path):
    runs = load(tsv)
    meta = []
    with open(info, encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            if k:
                meta.append((k, v))
    shapes = []
    for r in runs:
        if r["shape"] not in shapes:
            shapes.append(r["shape"])

    md = []
    txt = []
    md.append("# replicad benchmark, %s\n" % dict(meta).get("date", ""))
    for k, v in meta:
        md.append("- %s: %s" % (k, v))
    md.append("")
    summary = []   # (shape, pair, ratio_native, goal, met, ratio_pyodbc)

    for shape in shapes:
        rs = [r for r in runs if r["shape"] == shape]
        pairs = []
        for r in rs:
            if r["pair"] not in pairs:
                pairs.append(r["pair"])
        # median run per (pair, method)
        best = {}
        for pair in pairs:
            for method in METHOD_NAMES:
                group = [r for r in rs if r["pair"] == pair and r["method"] == method]
                if group:
                    best[(pair, method)] = median_run(group)
        # native figures per target engine: measured on that engine's own pair
        native_rate = {}
        for eng, (methods, _) in NATIVE.items():
            for m in methods:
                got = best.get(("%s-%s" % (eng, eng), m))
                if got and got[0]["status"] == "ok" and got[0]["seconds"]:
                    native_rate.setdefault(eng, []).append((got[0]["rows"] / got[0]["seconds"], m))

        rows_n = max((r["rows"] or 0) for r in rs)
        title = "shape %s, %s rows" % (shape, fmt_int(rows_n))
        per_row = [r["bytes"] / r["rows"] for r in rs
                   if r["method"] == "replicad" and r["status"] == "ok" and r["bytes"] and r["rows"]]
        if per_row:
            title += " (%s bytes of values per row)" % fmt_int(statistics.median(per_row))
        head = ["pair", "method", "rows/s", "MB/s", "peak RSS MiB", "seconds", "runs", "exact"]
        table = []
        for pair in pairs:
            rep = best.get((pair, "replicad"))
            nbytes = rep[0]["bytes"] if rep and rep[0]["status"] == "ok" else None
            for method in METHOD_NAMES:
                got = best.get((pair, method))
                if not got:
                    continue
                r, n, nok = got
                ok = r["status"] == "ok" and r["seconds"]
                rate = r["rows"] / r["seconds"] if ok and r["rows"] else None
                mbs = nbytes / 1e6 / r["seconds"] if ok and nbytes else None
                # a reference may be checked on its first run only: show that check
                checked = [x["exact"] for x in runs if x["shape"] == shape and x["pair"] == pair
                           and x["method"] == method and x["exact"] not in ("", "-")]
                exact = r["exact"] if r["exact"] not in ("", "-") else checked[0] if checked else "–"
                if not ok:
                    exact = r["status"] + (": " + r["note"] if r.get("note") else "")
                table.append([PAIR_NAMES.get(pair, pair), METHOD_NAMES[method], fmt_int(rate), fmt_f(mbs),
                              fmt_f(r["rss_kb"] / 1024.0 if r["rss_kb"] else None, 0),
                              fmt_f(r["seconds"], 2), "%d/%d" % (nok, n), exact])

        rhead = ["pair", "replicad rows/s", "native (target engine)", "replicad/native", "goal",
                 "pyodbc rows/s", "replicad/pyodbc", "goal"]
        rtable = []
        for pair in pairs:
            rep = best.get((pair, "replicad"))
            rrate = (rep[0]["rows"] / rep[0]["seconds"]) if rep and rep[0]["status"] == "ok" and rep[0]["seconds"] else None
            tgt = pair.split("-")[1]
            nat = native_rate.get(tgt)
            goal_n = NATIVE[tgt][1]
            if nat:
                nrate, nm = max(nat)
                nlabel = "%s %s" % (fmt_int(nrate), nm)
            else:
                nrate, nlabel = None, "not measured"
            py = best.get((pair, "pyodbc"))
            prate = (py[0]["rows"] / py[0]["seconds"]) if py and py[0]["status"] == "ok" and py[0]["seconds"] else None
            rn, rp = ratio(rrate, nrate), ratio(rrate, prate)
            gp = PYODBC_GOAL if shape == "seed" else None

            def mark(v, g):
                if v is None or g is None:
                    return "–" if g is None else "≥ %g" % g
                return "≥ %g %s" % (g, "met" if v >= g else "NOT met")
            rtable.append([PAIR_NAMES.get(pair, pair), fmt_int(rrate), nlabel, fmt_f(rn, 2), mark(rn, goal_n),
                           fmt_int(prate), fmt_f(rp, 1), mark(rp, gp)])

        phead = ["pair"] + ["%s ms" % p for p in PHASES] + ["process s"]
        ptable = []
        for pair in pairs:
            rep = best.get((pair, "replicad"))
            if not rep:
                continue
            ph = dict(kv.split("=") for kv in rep[0]["phases"].split(",") if "=" in kv)
            ptable.append([PAIR_NAMES.get(pair, pair)] + [fmt_int(int(ph[p])) if p in ph else "–" for p in PHASES]
                          + [fmt_f(rep[0]["seconds"], 2)])

        right_copies = [False, False, True, True, True, True, True, False]
        right_ratios = [False, True, False, True, False, True, True, False]
        right_phases = [False] + [True] * (len(PHASES) + 1)
        for name, h, t, right in (("Copies", head, table, right_copies),
                                  ("Ratios (median runs)", rhead, rtable, right_ratios),
                                  ("replicad time per phase (median run, from its JSON account)", phead, ptable,
                                   right_phases)):
            txt.append("== %s: %s" % (title, name))
            widths = [max([len(h[i])] + [len(row[i]) for row in t]) for i in range(len(h))]
            txt.append("  ".join(h[i].ljust(widths[i]) for i in range(len(h))).rstrip())
            for row in t:
                txt.append("  ".join(row[i].rjust(widths[i]) if right[i] else row[i].ljust(widths[i])
                                     for i in range(len(h))).rstrip())
            txt.append("")
            md.append("### %s: %s\n" % (title, name))
            md.append("| " + " | ".join(h) + " |")
            md.append("|" + "|".join("---:" if right[i] else "---" for i in range(len(h))) + "|")
            for row in t:
                md.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
            md.append("")

    md.append("rows/s and seconds: median run by seconds, the faster middle one for an even "
              "count (runs: ok/total; a failed run is named in the TSV next to this file). MB/s: bytes of values "
              "in replicad's account for the pair, 10^6 per MB, over each method's seconds. "
              "Peak RSS: /usr/bin/time %M of the client side (the largest process of a pipeline; "
              "servers not counted). exact: bench/compare.py, every value of every row. "
              "Native figures of a cross-engine pair are the target engine's own pair's.")
    out = "\n".join(txt)
    print(out)
    if md_path:
        with open(md_path, "w", encoding="utf-8") as f:
            f.write("\n".join(md) + "\n")
    return 0


def main(argv):
    p = argparse.ArgumentParser(prog="report.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    a1 = sub.add_parser("account")
    a1.add_argument("file")
    a2 = sub.add_parser("render")
    a2.add_argument("tsv")
    a2.add_argument("info")
    a2.add_argument("--md")
    a = p.parse_args(argv)
    if a.cmd == "account":
        return account(a.file)
    return render(a.tsv, a.info, a.md)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
