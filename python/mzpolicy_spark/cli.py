"""`mzpolicy-spark`: a province's rosters on Apache Spark (issue #15).

    mzpolicy-spark batch INPUT OUTPUT [--master URL] [--partitions N] [--as-of DATE] [--year YEAR]
                                      [--format parquet|jsonl] [--input-format auto|jsonl|parquet|table] [--key COL]
    mzpolicy-spark report progress|assistance|duplicates RUN [--lang zh|en] [--format table|csv|markdown] [--out FILE]

The driver resolves as_of (the date rows without their own are decided on)
and checks the policy year once, before any task runs; executors decide
their partitions with one OPA per Python worker (mzpolicy_spark.worker).
The decided rows go through Spark's commit protocol (the DataFrame writer)
into OUTPUT/rows; only after the job does the driver count what was written,
check that every input row is there exactly once, and write
OUTPUT/_manifest.json and then OUTPUT/_SUCCESS, which marks the run complete.

Kept out of the `mzpolicy` command's import path: nothing in mzpolicy imports
this package, and pyspark is imported here only.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import sys
import time
import uuid
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import click

from . import _roster as r
from . import schema, worker

MANIFEST = "_manifest.json"
COMPLETE = "_SUCCESS"
ROWS = "rows"
EXIT_JOB_FAILED = 3
EXIT_OUTPUT_FAILED = 4
_LOCAL = re.compile(r"local(\[(\*|[0-9]+)\])?")


class OutputFailed(click.ClickException):
    exit_code = EXIT_OUTPUT_FAILED


class JobFailed(click.ClickException):
    exit_code = EXIT_JOB_FAILED


@click.group()
def main() -> None:
    """Decide a province's rosters on Apache Spark with the project's policy,
    one OPA per Python worker; the same rows as `mzpolicy batch`."""


def _conf_pairs(values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint="--conf")
        pairs[name.strip()] = setting
    return pairs


def spark_options(f: Any) -> Any:
    f = click.option(
        "--conf",
        "conf",
        multiple=True,
        metavar="KEY=VALUE",
        help="A Spark setting for this run (repeatable), e.g. spark.eventLog.enabled=true.",
    )(f)
    f = click.option(
        "--master",
        help="Spark master URL. Default: spark-submit's, else local[*]. A local master retries a failed task"
        " (local[N] runs as local[N,F], F = --task-retries).",
    )(f)
    return f


def session(master: str | None, app: str, conf: dict[str, str], task_retries: int = 4) -> Any:
    """The SparkSession: spark-submit's master when run under it, else --master or local[*]."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app)
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = "local[*]"
    if master is not None:
        local = _LOCAL.fullmatch(master)
        if local:
            master = f"local[{local.group(2) or 1},{task_retries}]"
            # Local workers run this interpreter (with this package), not the first python3 on PATH.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.master(master)
    settings = {
        "spark.task.maxFailures": str(task_retries),
        "spark.python.worker.reuse": "true",  # the worker, and its OPA, live across partitions
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "Asia/Shanghai",
        **conf,
    }
    for name, value in settings.items():
        builder = builder.config(name, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(conf.get("mzpolicy.logLevel", "WARN"))
    return spark


class Files:
    """The driver's view of the output file system (Hadoop's FileSystem: local, HDFS, S3A, ...)."""

    def __init__(self, spark: Any, path: str):
        jvm = spark.sparkContext._jvm
        self._jvm = jvm
        self.root = jvm.org.apache.hadoop.fs.Path(path)
        self.fs = self.root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        self.uri = self.fs.makeQualified(self.root).toString()

    def path(self, *parts: str) -> Any:
        p = self.root
        for part in parts:
            p = self._jvm.org.apache.hadoop.fs.Path(p, part)
        return p

    def exists(self, *parts: str) -> bool:
        return bool(self.fs.exists(self.path(*parts)))

    def write(self, name: str, data: bytes) -> None:
        """A small file written whole by the driver (create, write, close); overwrites."""
        stream = self.fs.create(self.path(name), True)
        try:
            stream.write(bytearray(data))
        finally:
            stream.close()

    def read(self, name: str) -> bytes:
        stream = self.fs.open(self.path(name))
        try:
            chunks = []
            reader = self._jvm.java.io.BufferedReader(self._jvm.java.io.InputStreamReader(stream, "UTF-8"))
            line = reader.readLine()
            while line is not None:
                chunks.append(line)
                line = reader.readLine()
            return "\n".join(chunks).encode("utf-8")
        finally:
            stream.close()

    def files(self, *parts: str) -> list[tuple[str, int]]:
        return sorted(
            (status.getPath().getName(), int(status.getLen()))
            for status in self.fs.listStatus(self.path(*parts))
            if status.isFile()
        )


# ---------------------------------------------------------------- reading the roster


def _detect(path: str, given: str) -> str:
    if given != "auto":
        return given
    lower = path.lower().rstrip("/")
    return "parquet" if lower.endswith(".parquet") else "jsonl"


def read_roster(spark: Any, path: str, fmt: str, key: str | None) -> tuple[Any, list[Any] | None]:
    """(RDD of (key, payload) in roster order, the table's columns or None for JSONL)."""
    if fmt == "jsonl":
        if key is not None:
            raise r.BadInput("--key names a column of a table (Parquet or Hive) input; a JSONL row is its row number")
        from pyspark.sql import functions as F

        files = Files(spark, path)
        if not files.exists() or not files.fs.getFileStatus(files.root).isFile():
            raise r.BadInput(f"INPUT {path}: a JSONL roster is one file (its rows are numbered in file order)")
        # One file's splits are read in offset order (Spark orders the splits
        # by size, stably, and only the last one is shorter), so zipWithIndex
        # numbers the lines as the file has them.
        # Split on LF only (lineSep), the line's bytes exactly as in the file
        # (the text source keeps them; cast to binary gives them back).
        lines = spark.read.option("lineSep", "\n").text(path).select(F.col("value").cast("binary"))
        return lines.rdd.mapPartitions(worker.jsonl_payloads), None
    df = spark.table(path) if fmt == "table" else spark.read.parquet(path)
    names = list(df.columns)
    if key is not None and key not in names:
        raise r.BadInput(f"--key {key}: the input has no such column")
    header = [n for n in names if n != key]
    try:
        columns = r.csv_columns(header)
    except r.RosterFormatError as exc:
        raise r.BadInput(str(exc).replace("CSV header", "input columns")) from None
    payloads = df.select(*[f"`{n}`" for n in header], *([f"`{key}`"] if key else [])).rdd
    return payloads.mapPartitions(functools.partial(worker.table_payloads, len(header), key is not None)), columns


def number(rdd: Any, partitions: int | None, default_parallelism: int) -> tuple[Any, int]:
    """(RDD of (row number, key, payload) in `partitions` partitions, rows in
    order, the row count). Row numbers come from zipWithIndex over the input
    as read (deterministic, so a retried task numbers its rows the same)."""
    numbered = rdd.zipWithIndex().map(worker.numbered)
    total = numbered.count()
    have = numbered.getNumPartitions()
    want = partitions or max(have, default_parallelism)
    if want == have or total == 0:
        return numbered, total
    # A range of row numbers per partition, each sorted: part files stay in row order.
    pairs = numbered.map(worker.keyed)
    ranged = pairs.repartitionAndSortWithinPartitions(
        want, functools.partial(worker.row_range, total, want), keyfunc=worker.identity
    )
    return ranged.map(worker.unkeyed), total


# ---------------------------------------------------------------- batch


@main.command("batch")
@click.argument("input_path", metavar="INPUT")
@click.argument("output", metavar="OUTPUT")
@spark_options
@click.option("--partitions", type=click.IntRange(1, 1_000_000), help="Partitions (tasks) to decide in.")
@click.option(
    "--as-of",
    callback=r.iso_date,
    help="Date to decide on (YYYY-MM-DD); overrides a row's own as_of. Default: the"
    " row's, else today in Asia/Shanghai as the driver sees it at the start (a retry after midnight decides on the"
    " same date).",
)
@click.option("--year", "policy_year", type=click.IntRange(1990, 2100), help="Policy year for every row.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "jsonl"]),
    default="parquet",
    show_default=True,
    help="parquet: typed headline columns with the decision or error as JSON; jsonl: `mzpolicy batch`'s lines.",
)
@click.option(
    "--input-format",
    type=click.Choice(["auto", "jsonl", "parquet", "table"]),
    default="auto",
    show_default=True,
    help="auto: Parquet for *.parquet, else JSONL; table: INPUT names a Hive (catalog) table.",
)
@click.option("--key", help="A table input's column carried to every output row (as `key`), besides the row number.")
@click.option(
    "--batch-size", type=click.IntRange(1, 1000), default=250, show_default=True, help="Requests per OPA query."
)
@click.option(
    "--in-flight",
    type=click.IntRange(1, 64),
    help="OPA queries at once per Python worker, and the worker OPA's"
    " GOMAXPROCS. Default: spark.task.cpus (a worker runs one task, on that many cores).",
)
@click.option("--task-retries", type=click.IntRange(1, 100), default=4, show_default=True)
def batch_command(
    input_path: str,
    output: str,
    master: str | None,
    conf: tuple[str, ...],
    partitions: int | None,
    as_of: str | None,
    policy_year: int | None,
    fmt: str,
    input_format: str,
    key: str | None,
    batch_size: int,
    in_flight: int | None,
    task_retries: int,
) -> None:
    """Decide every resident of INPUT into the run directory OUTPUT.

    OUTPUT/rows holds one row per input record: `row` (its number, as
    `mzpolicy batch` numbers it), the headline fields as typed columns and
    `decision` or `error` as JSON, and `ledger`, the 免缴台账 facts of the
    fully subsidised (--format parquet), or exactly `mzpolicy
    batch`'s JSONL lines (--format jsonl; the part files in name order are
    its output). OUTPUT/_SUCCESS appears last, when every row is written
    and counted. Exit 0: every row a decision; 1: some rows are errors; 2:
    usage (a year not loaded, an unknown column, OUTPUT exists); 3: the
    Spark job failed; 4: the output does not hold every row once.
    """
    started = time.time()
    spark_conf = _conf_pairs(conf)
    input_format = _detect(input_path, input_format)
    default_as_of = None if as_of else r.today_in_shanghai()
    # Before Spark starts: a year that is not loaded is a usage error, and no task runs.
    r.check_year(as_of, policy_year, default_as_of or r.today_in_shanghai())
    app = "mzpolicy-spark batch"
    if input_format == "table":
        spark_conf.setdefault("spark.sql.catalogImplementation", "hive")
    spark = session(master, app, spark_conf, task_retries)
    try:
        out = Files(spark, output)
        if out.exists():
            raise r.BadInput(f"OUTPUT {output} exists; each run writes a run directory of its own")
        sc = spark.sparkContext
        cores = in_flight or int(sc.getConf().get("spark.task.cpus", "1"))
        payloads, columns = read_roster(spark, input_path, input_format, key)
        numbered, total = number(payloads, partitions, sc.defaultParallelism)
        run_id = uuid.uuid4().hex
        config = {
            "as_of": as_of,
            "policy_year": policy_year,
            "default_as_of": default_as_of,
            "batch_size": batch_size,
            "in_flight": cores,
            "columns": columns,
            "run_id": run_id,
            # The 免缴台账 facts for `report assistance`, a column of the Parquet output only.
            "ledger": fmt == "parquet",
        }
        decided = numbered.mapPartitionsWithIndex(functools.partial(worker.decide_partition, config))
        df = spark.createDataFrame(decided, schema.struct(), verifySchema=False)
        rows_path = out.path(ROWS).toString()
        try:
            if fmt == "jsonl":
                df.select("line").write.mode("errorifexists").text(rows_path)
            else:
                df.drop("line").write.mode("errorifexists").parquet(rows_path)
        except Exception as exc:
            raise JobFailed(
                f"the Spark job failed; {OUTPUT_NOT_COMPLETE.format(output=output)}: {_java_reason(exc)}"
            ) from None
        summary = summarize(spark, rows_path, fmt)
        problem = _check(summary, total)
        if problem:
            raise OutputFailed(f"{problem}; {OUTPUT_NOT_COMPLETE.format(output=output)}")
        manifest = {
            "complete": True,
            "run_id": run_id,
            "command": "mzpolicy-spark batch",
            "input": input_path,
            "input_format": input_format,
            "format": fmt,
            "key": key,
            "as_of": as_of,
            "default_as_of": default_as_of,
            "policy_year": policy_year,
            "partitions": numbered.getNumPartitions(),
            "in_flight_per_worker": cores,
            "spark_version": spark.version,
            "master": sc.master,
            "started": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "summary": summary,
            "files": [{"name": n, "bytes": b} for n, b in out.files(ROWS)],
        }
        try:
            out.write(MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
            out.write(COMPLETE, b"")
        except Exception as exc:
            raise OutputFailed(f"cannot write {output}/{MANIFEST}: {_java_reason(exc)}") from None
    finally:
        spark.stop()
    for line in summary_lines(summary, time.time() - started):
        click.echo(line, err=True)
    if summary["errors"]:
        raise click.exceptions.Exit(1)


OUTPUT_NOT_COMPLETE = "{output} is not complete (no _SUCCESS); remove it and run again"


def _java_reason(exc: Exception) -> str:
    """The first line of a failed job's reason: the exception's kind, and the
    task failure's last line (a WorkerFailed message, which names no row)."""
    text = str(exc)
    found = re.findall(r"mzpolicy_spark\.worker\.WorkerFailed: ([^\n]*)", text)
    if found:
        return found[-1]
    return text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__


def summarize(spark: Any, rows_path: str, fmt: str) -> dict[str, Any]:
    """Counts over the written output (not the job's accumulators, which a retried task counts twice)."""
    from pyspark.sql import functions as F

    if fmt == "jsonl":
        text = spark.read.text(rows_path)
        df = text.select(
            F.get_json_object("value", "$.row").cast("bigint").alias("row"),
            F.get_json_object("value", "$.error.code").alias("error_code"),
            F.col("value").startswith('{"row": ').alias("ok"),
            F.regexp_extract("value", r'^\{"row": [0-9]+, "(decision|error)": ', 1).alias("kind"),
            F.get_json_object("value", "$.decision.eligible").alias("eligible"),
        ).withColumn("is_error", F.col("kind") == "error")
        eligible = F.col("eligible") == "true"
    else:
        df = spark.read.parquet(rows_path).withColumn("is_error", F.col("error").isNotNull())
        eligible = F.col("eligible")
    agg = df.agg(
        F.count(F.lit(1)).alias("rows"),
        F.countDistinct("row").alias("distinct_rows"),
        F.min("row").alias("first_row"),
        F.max("row").alias("last_row"),
        F.sum(F.when(F.col("is_error"), 1).otherwise(0)).alias("errors"),
        F.sum(F.when(~F.col("is_error") & eligible, 1).otherwise(0)).alias("eligible"),
    ).first()
    summary = {k: int(agg[k] or 0) for k in ("rows", "distinct_rows", "first_row", "last_row", "errors", "eligible")}
    summary["decisions"] = summary["rows"] - summary["errors"]
    summary["ineligible"] = summary["decisions"] - summary["eligible"]
    codes = df.where("is_error").groupBy("error_code").count().collect()
    summary["errors_by_code"] = {(c["error_code"] or "error"): int(c["count"]) for c in codes}
    return summary


def _check(summary: dict[str, Any], total: int) -> str | None:
    """Every input row once: as many rows as the input has, each number once, 1..total."""
    if summary["rows"] != total or summary["distinct_rows"] != total:
        return f"the output holds {summary['rows']} rows ({summary['distinct_rows']} distinct) for {total} input rows"
    if total and (summary["first_row"] != 1 or summary["last_row"] != total):
        return f"the output's rows run {summary['first_row']}..{summary['last_row']}, not 1..{total}"
    return None


def summary_lines(summary: dict[str, Any], elapsed: float) -> list[str]:
    lines = [
        f"rows {summary['rows']}: decisions {summary['decisions']} (eligible {summary['eligible']}, ineligible"
        f" {summary['ineligible']}), errors {summary['errors']} (counted from the written output)"
    ]
    if summary["errors_by_code"]:
        lines.append("errors by kind: " + ", ".join(f"{c} {n}" for c, n in sorted(summary["errors_by_code"].items())))
    if elapsed > 0:
        lines.append(f"{summary['rows']} rows in {elapsed:.1f} s ({summary['rows'] / elapsed:.0f} rows/s)")
    return lines


# ---------------------------------------------------------------- reports


@main.group("report")
def report() -> None:
    """Reports over a complete run directory of `mzpolicy-spark batch --format parquet`."""


def report_options(f: Any) -> Any:
    f = click.option("--out", type=click.Path(dir_okay=False), help="Write the report to this file.")(f)
    f = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)(f)
    f = click.option(
        "--format", "fmt", type=click.Choice(["table", "csv", "markdown"]), default="table", show_default=True
    )(f)
    return spark_options(f)


def _decided(spark: Any, run: str) -> Any:
    files = Files(spark, run)
    if not files.exists(COMPLETE) or not files.exists(MANIFEST):
        raise r.BadInput(f"{run} is not a complete run directory of mzpolicy-spark batch (no {COMPLETE})")
    manifest = json.loads(files.read(MANIFEST))
    if manifest.get("format") != "parquet":
        raise r.BadInput(f"{run} was written with --format {manifest.get('format')}; the reports read --format parquet")
    return spark.read.parquet(files.path(ROWS).toString())


def _errors_exit(errors: int) -> None:
    """Exit 1 where rows are errors, as `mzpolicy report` does (they are not counted)."""
    if errors:
        click.get_current_context().exit(1)


def _write(out: str | None, tables: list[Any], fmt: str, notes: list[str]) -> None:
    import io

    buffer = io.StringIO()
    r.emit(buffer, tables, fmt, notes)
    if out is None:
        sys.stdout.write(buffer.getvalue())
        return
    partial = out + ".partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a report may hold ID numbers
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(buffer.getvalue())
    os.replace(partial, out)


@report.command("progress")
@click.argument("run")
@report_options
def progress_command(run: str, master: str | None, conf: tuple[str, ...], fmt: str, lang: str, out: str | None) -> None:
    """Collection progress per county (参保缴费进度), as `mzpolicy report progress` counts it."""
    from pyspark.sql import functions as F

    spark = session(master, "mzpolicy-spark report progress", _conf_pairs(conf))
    try:
        df = _decided(spark, run)
        decided = df.where("error IS NULL")
        eligible = decided.where("eligible")
        paid = F.col("assistance_source").isNull() & (F.col("payment_accepted") == F.lit(True))
        per = (
            eligible.groupBy("enrollment_region", "assistance_source")
            .agg(
                F.count(F.lit(1)).alias("persons"),
                F.sum(F.when(paid, 1).otherwise(0)).alias("paid"),
                F.sum(F.when(paid, F.col("payment_amount").cast("decimal(20,2)"))).alias("collected"),
            )
            .collect()
        )
        counts = df.agg(
            F.sum(F.when(F.col("error").isNotNull(), 1).otherwise(0)).alias("errors"),
            F.sum(F.when(F.col("error").isNull() & ~F.col("eligible"), 1).otherwise(0)).alias("ineligible"),
            F.min(F.when(F.col("error").isNull(), F.coalesce("as_of", F.lit("")))).alias("first"),
            F.max(F.when(F.col("error").isNull(), F.coalesce("as_of", F.lit("")))).alias("last"),
        ).first()
        years = {
            (y["policy_year"], y["document"]) for y in decided.select("policy_year", "document").distinct().collect()
        }
    finally:
        spark.stop()
    with r.policy(None, None, r.today_in_shanghai()) as job:
        names = r.Names.of(job)
        names.order_sources(job, years)
    # Counted as `mzpolicy report progress` counts them (mzpolicy.roster.weekly),
    # from the cluster's sums per county instead of row by row.
    progress = r.weekly.Progress()
    for g in per:
        c = progress.counties.setdefault(g["enrollment_region"] or "", r.weekly.Counts())
        c.eligible += g["persons"]
        if g["assistance_source"]:
            c.subsidised[g["assistance_source"]] = c.subsidised.get(g["assistance_source"], 0) + g["persons"]
        c.paid += g["paid"] or 0
        c.collected += Decimal(g["collected"] or 0)
    progress.years = set(years)
    progress.ineligible, progress.errors = int(counts["ineligible"] or 0), int(counts["errors"] or 0)
    first, last = counts["first"], counts["last"]
    as_of = "—" if first is None else first if first == last else f"{first}—{last}"
    result = r.progress_report(progress, names, as_of, None, None, None, lang)
    _write(out, result.tables, fmt, result.notes)
    _errors_exit(result.errors)


@report.command("assistance")
@click.argument("run")
@report_options
def assistance_command(
    run: str, master: str | None, conf: tuple[str, ...], fmt: str, lang: str, out: str | None
) -> None:
    """The 免缴台账: every fully subsidised person, with totals per county and
    per list owner; the tables of `mzpolicy report assistance`, from the
    免缴台账 facts the policy gave each row when it was decided (the
    `ledger` column)."""
    spark = session(master, "mzpolicy-spark report assistance", _conf_pairs(conf))
    try:
        df = _decided(spark, run)
        if "ledger" not in df.columns:
            raise r.BadInput(f"{run} has no ledger column (written by an older mzpolicy-spark): decide it again")
        errors = df.where("error IS NOT NULL").count()
        years = {
            (y["policy_year"], y["document"])
            for y in df.where("error IS NULL").select("policy_year", "document").distinct().collect()
        }
        listed = (
            df.where("error IS NULL AND ledger IS NOT NULL")
            .select("row", "name", "id_number", "enrollment_region", "ledger")
            .orderBy("row")
            .collect()
        )
    finally:
        spark.stop()
    ledger = r.AssistanceLedger()
    ledger.errors = errors
    ledger.years = years
    for x in listed:
        ledger.add(
            x["row"], x["name"] or "", x["id_number"] or "", x["enrollment_region"] or "", json.loads(x["ledger"])
        )
    with r.policy(None, None, r.today_in_shanghai()) as job:
        result = ledger.report(job, lang)
    _write(out, result.tables, fmt, result.notes)
    _errors_exit(result.errors)


@report.command("duplicates")
@click.argument("run")
@report_options
def duplicates_command(
    run: str, master: str | None, conf: tuple[str, ...], fmt: str, lang: str, out: str | None
) -> None:
    """重复参保 over the whole roster: the same ID number in more than one row
    (a group-by on the cluster), and people enrolled elsewhere or in 职工医保
    with a payment on record; the tables of `mzpolicy report duplicates`."""
    spark = session(master, "mzpolicy-spark report duplicates", _conf_pairs(conf))
    try:
        df = _decided(spark, run)
        ids = df.where("id_number IS NOT NULL").select("row", "id_number").rdd.map(worker.id_key)
        repeated = ids.groupByKey().filter(worker.more_than_one).flatMap(worker.key_rows).collect()
        duplicate_rows = {n: ident for ident, n in repeated}
        flagged = {
            x["row"]: x["duplicate_flag"]
            for x in df.where("duplicate_flag IS NOT NULL").select("row", "duplicate_flag").collect()
        }
        wanted = sorted(set(duplicate_rows) | set(flagged))
        fields = ["row", "name", "id_number", "payment_date", "payment_amount", "decision", "error"]
        picked = spark.createDataFrame([(n,) for n in wanted], "row bigint") if wanted else None
        selected = df.join(picked, "row").select(*fields).collect() if picked is not None else []
    finally:
        spark.stop()
    decided = {x["row"]: _occurrence_row(x) for x in selected}
    years = {(d.answer.get("policy_year"), d.answer.get("document")) for d in decided.values() if d.error is None}
    year = sorted(years, key=str)[0][0] if years else None
    with r.policy(None, None, r.today_in_shanghai()) as job:
        names = r.Names.of(job)
        note = r.duplicates_note(job, year, lang) if year else None
    tables = [r.same_id_table(duplicate_rows, decided, names, lang), r.flagged_table(flagged, decided, names, lang)]
    notes = r.year_notes(years, lang)
    if note:
        notes.append(note)
    _write(out, tables, fmt, notes)
    _errors_exit(sum(1 for d in decided.values() if d.error is not None))


def _occurrence_row(x: Any) -> Any:
    """A decided row as the duplicates report's tables read it."""
    resident: dict[str, Any] = {k: x[k] for k in ("name", "id_number") if x[k] is not None}
    payment = {k: x[f"payment_{k}"] for k in ("date", "amount") if x[f"payment_{k}"] is not None}
    if payment:
        resident["payment"] = payment
    answer = json.loads(x["decision"]) if x["decision"] else None
    error = json.loads(x["error"]) if x["error"] else None
    return SimpleNamespace(n=x["row"], resident=resident, answer=answer, error=error)
