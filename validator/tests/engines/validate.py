#!/usr/bin/env python3
"""Runs a generated validation script (schema/generated/validation/<engine>/<table>.sql) on
JSONL export files with a real engine, the way the README's "Validating at scale" tells users
to, and writes what the views hold as JSON, for the agreement test and the bench.

    validate.py duckdb|spark SCRIPT OUT.json FILE...

raw_lines is built by the engine itself from the files, as the README shows: DuckDB with
read_text (plain text files) split at line feeds; Spark with its line reader (lineSep "\n",
plain or .gz files; it keeps bytes that are not UTF-8, which split() would replace), lines
numbered by the split's start offset and the read order. Files are named by their base name in
the output.
"""
import json
import os
import sys
import time


def run_duckdb(script, files):
    import duckdb

    con = duckdb.connect()
    started = time.perf_counter()
    con.execute(
        """
        CREATE TEMP TABLE raw_lines AS
        SELECT filename AS file, generate_subscripts(lines, 1) AS line, unnest(lines) AS text
        FROM (SELECT filename, string_split(content, chr(10)) AS lines FROM read_text($files))
        """,
        {"files": files},
    )
    loaded = time.perf_counter()
    con.execute(script)
    query = lambda sql: con.execute(sql).fetchall()
    result = collect(query)
    result["seconds"] = {"load": loaded - started, "check": time.perf_counter() - loaded}
    result["engine_version"] = duckdb.__version__
    return result


def run_spark(script, files):
    from pyspark.sql import SparkSession, Window, functions as F

    spark = (
        SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[2]"))
        .appName("dap-validate-agreement")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "2g"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter()
    in_file = Window.partitionBy("file").orderBy("block", "seq")
    lines = (
        spark.read.option("lineSep", "\n")
        .text(files)
        .select(
            F.col("_metadata.file_path").alias("file"),
            F.col("_metadata.file_block_start").alias("block"),
            F.monotonically_increasing_id().alias("seq"),
            F.col("value").alias("text"),
        )
        .select("file", F.row_number().over(in_file).cast("bigint").alias("line"), "text")
    )
    lines.createOrReplaceTempView("raw_lines")
    loaded = time.perf_counter()
    for statement in split_statements(script):
        spark.sql(statement)
    query = lambda sql: [tuple(row) for row in spark.sql(sql).collect()]
    result = collect(query)
    result["seconds"] = {"load": loaded - started, "check": time.perf_counter() - loaded}
    result["engine_version"] = spark.version
    spark.stop()
    return result


def split_statements(script):
    """The script's statements: each ends with `;` at the end of a line (the generator's form)."""
    statements, current = [], []
    for line in script.splitlines():
        current.append(line)
        if line.rstrip().endswith(";") and not line.lstrip().startswith("--"):
            statement = "\n".join(current).strip().rstrip(";")
            body = "\n".join(l for l in statement.splitlines() if not l.lstrip().startswith("--"))
            if body.strip():
                statements.append(statement)
            current = []
    return statements


def collect(query):
    violations = query(
        "SELECT file, line, column_name, code FROM web_logs_violations ORDER BY file, line, column_name, code"
    )
    tally = query("SELECT column_name, value, n FROM web_logs_open_enum_values")
    duplicates = query(
        "SELECT identical, count(*) FROM web_logs_duplicate_keys GROUP BY identical"
    )
    summary = query("SELECT code, column_name, n FROM web_logs_violation_summary")
    open_values = {}
    for column, value, n in tally:
        open_values.setdefault(column, {})[value] = n
    return {
        "violations": [[os.path.basename(f), l, c, code] for f, l, c, code in violations],
        "open_enum_values": open_values,
        "duplicates": {
            "identical": sum(n for identical, n in duplicates if identical),
            "conflicting": sum(n for identical, n in duplicates if not identical),
        },
        "summary": [[code, column, n] for code, column, n in summary],
    }


def main():
    engine, script_path, out_path, *files = sys.argv[1:]
    with open(script_path, encoding="utf-8") as f:
        script = f.read()
    files = [os.path.abspath(f) for f in files]
    result = {"duckdb": run_duckdb, "spark": run_spark}[engine](script, files)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
