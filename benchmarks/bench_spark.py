"""Spark and one definition of the statistics: is the Spark SQL of the duration summaries,
transpiled to DuckDB by SQLGlot, as fast on DuckDB as bpr's DuckDB path?

On the replicated receipt log of 1M events (``bench_stats.generate("1M")``, Parquet):

* ``duckdb``: :func:`bpr.stats.stats_from_duckdb`, the DuckDB path (lists of durations per
  group to NumPy, order statistics by selection);
* ``one-sql``: the same statistics with the duration summaries computed by
  :func:`bpr._spark.summary_sql` (ranks by ``row_number``, parts and order statistics by
  aggregation), transpiled from Spark SQL to DuckDB's dialect by SQLGlot and run by DuckDB;
* ``spark``: ``read_log(path, engine="spark")`` and ``EventLog.stats()`` on a local Spark
  session (``local[2]``).

Every configuration's LogStats is checked equal to the DuckDB path's. Needs ``sqlglot`` and
``pyspark`` (``pip install sqlglot "govbpr[spark]"``). Run from the repository root::

    .venv/bin/python benchmarks/bench_spark.py [--repeat 3] [--no-spark]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stats import generate


def one_sql_stats(con: Any, table: str) -> Any:
    """stats_from_duckdb with the duration summaries of summary_sql, transpiled to DuckDB."""
    import sqlglot

    from bpr._spark import assemble, summary_sql
    from bpr.stats import PARTS, _finish

    def summarise(source: str, keys: list[str], parts: int) -> list[tuple]:
        sql = sqlglot.transpile(summary_sql(source, keys, parts), read="spark", write="duckdb")[0]
        return assemble(con.execute(sql).fetchall(), len(keys), parts)

    events = (
        'SELECT "case" AS c, activity AS a, epoch_us("timestamp") AS t, '
        f'epoch_us("timestamp") AS s, position AS p FROM {table}'
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE bench_pairs AS SELECT * FROM (SELECT a AS source, "
        "lead(a) OVER w AS target, greatest(lead(s) OVER w - t, 0) AS d "
        f"FROM ({events}) WINDOW w AS (PARTITION BY c ORDER BY t, p)) WHERE target IS NOT NULL"
    )
    cases = con.execute(
        f"SELECT c, count(*), min(s), max(t) FROM ({events}) GROUP BY c ORDER BY c"
    ).fetchnumpy()
    variants = con.execute(
        f"SELECT v, count(*) FROM (SELECT list(a ORDER BY t, p) AS v FROM ({events}) "
        "GROUP BY c) GROUP BY v"
    ).fetchall()
    return _finish(
        pairs=summarise("bench_pairs", ["source", "target"], 0),
        waiting=summarise("bench_pairs", ["target"], PARTS),
        variants=[(tuple(v), n) for v, n in variants],
        cases=dict(zip(("case", "events", "start", "end"), cases.values(), strict=True)),
        working=None,
    )


def timed(function: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    import bpr
    from bpr.stats import stats_from_duckdb

    path = generate("1M")["parquet"]
    log = bpr.read_log(path, engine="duckdb")
    with log._cursor() as con:
        current, reference = timed(lambda: stats_from_duckdb(con, log._table), args.repeat)
        one, same = timed(lambda: one_sql_stats(con, log._table), args.repeat)
    assert same == reference, "the one-definition SQL differs from the DuckDB path"
    print(f"{log.n_events:,} events, {log.n_cases:,} cases; median of {args.repeat} runs")
    print(f"duckdb   stats_from_duckdb        {current:6.2f} s")
    print(f"one-sql  summary_sql on DuckDB    {one:6.2f} s  ({one / current:.1f}x)")
    if args.no_spark:
        return
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "3g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter()
    spark_log = bpr.read_log(path, engine="spark", spark=spark)
    read = time.perf_counter() - started
    started = time.perf_counter()
    got = spark_log.stats()
    stats = time.perf_counter() - started
    assert got == reference, "Spark's statistics differ from DuckDB's"
    print(f"spark    read_log (local[2])      {read:6.2f} s")
    print(f"spark    stats (local[2])         {stats:6.2f} s")


if __name__ == "__main__":
    main()
