#!/usr/bin/env python3
"""Writes a JSONL export as Parquet the way Spark and DuckDB write it, in every codec they
offer, for the test that dap-validate reads them like the JSONL (`engines.rs`).

    write_parquet.py spark|duckdb JSONL OUT_DIR CODEC...

Spark reads the JSONL with the DAP record schema (meta, key, value structs; timestamps as
TIMESTAMP, written as Spark's default INT96) and writes one directory per codec with
`df.write.parquet(compression=...)`. DuckDB (for brotli, which Spark cannot write without an
extra codec jar) copies the same rows with `COPY ... (FORMAT parquet, COMPRESSION ...)`.
"""
import os
import sys

VALUE = (
    "timestamp TIMESTAMP, user_id BIGINT, real_user_id BIGINT, course_id BIGINT, quiz_id BIGINT, "
    "discussion_id BIGINT, conversation_id BIGINT, assignment_id BIGINT, url STRING, "
    "http_method STRING, http_status INT, http_version STRING, remote_ip STRING, "
    "interaction_micros INT, web_application_controller STRING, web_application_action STRING, "
    "web_application_context_type STRING, web_application_context_id BIGINT, session_id STRING, "
    "developer_key_id BIGINT, participated BOOLEAN, user_agent STRING"
)
SCHEMA = f"meta STRUCT<ts: TIMESTAMP, action: STRING>, key STRUCT<id: STRING>, value STRUCT<{VALUE}>"


def spark(jsonl, out, codecs):
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    df = session.read.schema(SCHEMA).json(jsonl).coalesce(1)
    for codec in codecs:
        df.write.mode("overwrite").parquet(os.path.join(out, f"spark-{codec}"), compression=codec)
    session.stop()


def duckdb(jsonl, out, codecs):
    import duckdb as db

    con = db.connect()
    con.execute("SET TimeZone = 'UTC'")
    duck_value = VALUE.replace("STRING", "VARCHAR").replace("TIMESTAMP", "TIMESTAMPTZ")
    columns = {
        "meta": "STRUCT(ts TIMESTAMPTZ, action VARCHAR)",
        "key": "STRUCT(id VARCHAR)",
        "value": "STRUCT(" + ", ".join(
            f'"{c.split(" ")[0]}" {c.split(" ", 1)[1]}' for c in duck_value.split(", ")
        ) + ")",
    }
    for codec in codecs:
        os.makedirs(os.path.join(out, f"duckdb-{codec}"), exist_ok=True)
        target = os.path.join(out, f"duckdb-{codec}", "part-0.parquet")
        con.execute(
            f"COPY (SELECT * FROM read_json(?, columns = {columns!r}, format = 'newline_delimited')) "
            f"TO '{target}' (FORMAT parquet, COMPRESSION {codec})",
            [jsonl],
        )


def main():
    engine, jsonl, out, *codecs = sys.argv[1:]
    {"spark": spark, "duckdb": duckdb}[engine](jsonl, out, codecs)


if __name__ == "__main__":
    main()
