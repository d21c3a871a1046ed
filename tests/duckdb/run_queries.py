"""Runs SQL queries with DuckDB for tests/duckdb.rs (the DuckDB oracle).

Usage: python run_queries.py QUERIES.json
QUERIES.json is a JSON array of SQL strings. Prints one JSON array with, per query, either
{"rows": [[cell, ...], ...]} or {"error": "message"}. Non-finite floats are written as the
strings "NaN", "Infinity" and "-Infinity" (JSON has no literal for them); decimals as floats.
With --version, prints duckdb's version and exits.
"""

import decimal
import json
import math
import sys

import duckdb


def cell(v):
    if isinstance(v, decimal.Decimal):
        v = float(v)
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def main():
    if sys.argv[1:] == ["--version"]:
        print(duckdb.__version__)
        return
    with open(sys.argv[1], encoding="utf-8") as f:
        queries = json.load(f)
    con = duckdb.connect()
    out = []
    for sql in queries:
        try:
            rows = con.execute(sql).fetchall()
            out.append({"rows": [[cell(v) for v in row] for row in rows]})
        except Exception as e:  # reported per query, the test names it
            out.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(out, sys.stdout)


main()
