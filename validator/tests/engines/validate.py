#!/usr/bin/env python3
"""Runs a generated validation script (schema/generated/validation/<engine>/<table>.sql) on
JSONL export files with a real engine, the way the README's "Validating at scale" tells users
to, and writes what the views hold as JSON, for the agreement test and the bench.

    validate.py duckdb|spark SCRIPT OUT.json FILE...
    validate.py typed-duckdb|typed-spark DDL AUDIT ROWS.json OUT.json
    validate.py bench-duckdb|bench-spark SCRIPT OUT.json FILE...

The bench form (`cargo xtask bench`) builds raw_lines the same way, then times only the
violations view, fetched whole: {"load": s, "check": s, "violations": n, "engine_version": v}.

The second form proves the typed side: it runs the engine's DDL twice (idempotent), inserts
each row of ROWS.json ({"columns": [...], "rows": [[...], ...]}, timestamps as text) on its own
and records which the engine refuses, then runs the audit script over what the table holds and
writes its views. DuckDB enforces its CHECKs, so its audit runs over an unconstrained copy of
the table (CREATE TABLE AS ... LIMIT 0, the rows inserted again): an archive typed elsewhere.

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


def run_duckdb(script, files, only_violations=False):
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
    result = count_violations(query) if only_violations else collect(query)
    result["seconds"] = {"load": loaded - started, "check": time.perf_counter() - loaded}
    result["engine_version"] = duckdb.__version__
    return result


def run_spark(script, files, only_violations=False):
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
    result = count_violations(query) if only_violations else collect(query)
    result["seconds"] = {"load": loaded - started, "check": time.perf_counter() - loaded}
    result["engine_version"] = spark.version
    spark.stop()
    return result


def typed_duckdb(ddl, audit, spec):
    import duckdb

    con = duckdb.connect()
    con.execute(ddl)
    con.execute(ddl)
    table = "canvas_logs.web_logs"
    columns = spec["columns"]
    insert = "INSERT INTO {} ({}) VALUES ({})".format(
        table, ", ".join('"%s"' % c for c in columns), ", ".join("?" for _ in columns)
    )

    def insert_each():
        refused = []
        for i, row in enumerate(spec["rows"]):
            try:
                con.execute(insert, row)
            except duckdb.Error as e:
                refused.append([i, str(e).splitlines()[0]])
        return refused

    refused = insert_each()
    con.execute("CREATE TABLE canvas_logs.web_logs_open AS SELECT * FROM canvas_logs.web_logs LIMIT 0")
    con.execute("DROP TABLE canvas_logs.web_logs")
    con.execute("ALTER TABLE canvas_logs.web_logs_open RENAME TO web_logs")
    refused_unconstrained = insert_each()
    con.execute(audit)
    return typed_result(lambda sql: con.execute(sql).fetchall(), refused, refused_unconstrained)


def typed_spark(ddl, audit, spec):
    import tempfile
    from pyspark.sql import SparkSession

    warehouse = tempfile.mkdtemp(prefix="dap-spark-warehouse-")
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("dap-validate-typed")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.warehouse.dir", warehouse)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for _ in range(2):
        for statement in split_statements(ddl):
            spark.sql(statement)
    table = "canvas_logs.web_logs"
    types = {f.name: f.dataType.simpleString() for f in spark.table(table).schema.fields}
    columns = spec["columns"]

    def literal(value, sql_type):
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (int, float)):
            text = repr(value)
        else:
            text = "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        cast_to = "string" if sql_type.startswith("varchar") else sql_type
        return "CAST({} AS {})".format(text, cast_to)

    refused = []
    for i, row in enumerate(spec["rows"]):
        values = ", ".join(literal(v, types[c]) for c, v in zip(columns, row))
        try:
            spark.sql(
                "INSERT INTO {} ({}) VALUES ({})".format(
                    table, ", ".join("`%s`" % c for c in columns), values
                )
            )
        except Exception as e:  # Spark raises its own exception classes through py4j
            refused.append([i, str(e).splitlines()[0]])
    for statement in split_statements(audit):
        spark.sql(statement)
    result = typed_result(lambda sql: [tuple(r) for r in spark.sql(sql).collect()], refused, None)
    spark.stop()
    return result


def typed_result(query, refused, refused_unconstrained):
    return {
        "refused": refused,
        "refused_unconstrained": refused_unconstrained,
        "violations": [list(r) for r in query("SELECT id, column_name, code, value FROM web_logs_typed_violations")],
        "sentinels": [list(r) for r in query("SELECT column_name, value, n FROM web_logs_typed_sentinels")],
        "open_enum_values": [list(r) for r in query("SELECT column_name, value, n FROM web_logs_typed_open_enum_values")],
        "summary": [list(r) for r in query("SELECT code, column_name, n FROM web_logs_typed_violation_summary")],
    }


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


def count_violations(query):
    rows = query("SELECT file, line, column_name, code, value FROM web_logs_violations")
    return {"violations": len(rows)}


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
    if sys.argv[1].startswith("typed-"):
        mode, ddl_path, audit_path, rows_path, out_path = sys.argv[1:]
        read = lambda path: open(path, encoding="utf-8").read()
        run = {"typed-duckdb": typed_duckdb, "typed-spark": typed_spark}[mode]
        result = run(read(ddl_path), read(audit_path), json.loads(read(rows_path)))
        with open(out_path, "w", encoding="utf-8") as f:
            json.dump(result, f)
        return
    engine, script_path, out_path, *files = sys.argv[1:]
    only_violations = engine.startswith("bench-")
    engine = engine.removeprefix("bench-")
    with open(script_path, encoding="utf-8") as f:
        script = f.read()
    files = [os.path.abspath(f) for f in files]
    result = {"duckdb": run_duckdb, "spark": run_spark}[engine](script, files, only_violations)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
