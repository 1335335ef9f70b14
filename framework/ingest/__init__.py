"""Ingest: landing files (CSV as delivered, gzip or not; Parquet) → typed Parquet in the lake.

Per file: check the header against the spec (drift policy, by name), read every field as
text with DuckDB (rows with a wrong field count or bad bytes are set aside with their line),
check each value against its column's type without rounding, and write the good rows in
the spec's column order plus the ingest columns. Rejected rows go to a rejects file with
file, line, raw text and reason; above the source's max_reject_fraction the file fails and
nothing of it reaches the lake. `_source_line` is the record's line: the header is line 1
and a quoted field spanning several lines counts once.
"""

from __future__ import annotations

import contextlib
import datetime
import glob
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from framework.forking import single_threaded as _single_threaded
from framework.ingest.header import IngestError, plan_header, read_header
from framework.ingest.report import FileResult, IngestReport
from framework.ingest.transcode import utf8_file
from framework.lake import BatchRecord, Lake, LakeFile, LandingRecord, file_version, lake_key, sha256_of
from framework.spec import model as m


def landing_files(source: m.SourceSpec, landing_dir: str) -> list[str]:
    """The files of the landing folder the source's `landing.path` pattern matches."""
    return files_matching(source.landing.path, landing_dir)


def files_matching(pattern: str, landing_dir: str) -> list[str]:
    """The files of `landing_dir` a glob pattern relative to it matches (the folder's own name is
    taken literally, whatever characters it holds; S3 landing matches alike, see
    framework.lake.s3.landing_name_matches)."""
    found = glob.glob(os.path.join(glob.escape(landing_dir), pattern))
    return sorted(p for p in found if os.path.isfile(p))


def _shared_files(jobs: list[tuple[m.SourceSpec, str]]) -> dict[str, list[str]]:
    """The landing files more than one source's pattern matches, with those sources' names."""
    matching: dict[str, list[str]] = {}
    for source, path in jobs:
        matching.setdefault(path, []).append(source.name)
    return {path: names for path, names in matching.items() if len(names) > 1}


def _unmatched(landing_dir: str, matched: set[str]) -> list[str]:
    """The files under the landing folder that no source's pattern matched (hidden ones and a
    README aside: no delivery is named so)."""
    found = []
    for folder, subfolders, files in os.walk(landing_dir):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found += [
            os.path.join(folder, f)
            for f in sorted(files)
            if not f.startswith(".") and not f.upper().startswith("README")
        ]
    known = {os.path.normpath(path) for path in matched}  # a pattern `./x.csv` matched `landing/./x.csv`
    return [path for path in found if os.path.normpath(path) not in known]


def outside_landing(path: str, landing_dir: str) -> str:
    """Why a landing file may not be read ('' when it may): only files inside the landing folder
    are read, and a symlink only to a file inside it, so a delivery or a pattern can never make
    ingest read elsewhere (lint refuses patterns that leave the folder: E215)."""
    root, target = os.path.realpath(landing_dir), os.path.realpath(path)
    if os.path.commonpath([root, target]) == root:
        return ""
    if os.path.islink(path):
        return f"{path}: a symbolic link to a file outside the landing folder; refused (deliver the file itself)"
    return f"{path}: outside the landing folder {landing_dir}; refused"


_PARALLEL_BYTES = 16 * 2**20  # landing bytes of a batch from which files are read in parallel
# The least memory a worker's DuckDB is given: its CSV reader alone holds 32 MB buffers and fails
# below ~64 MB, whatever the file's size (what grows with the rows spills to disk). A memory
# limit too small to give each worker this much runs fewer workers.
_WORKER_MEMORY = 256 * 2**20


def ingest_pipeline(
    project: m.Project,
    landing_dir: str,
    lake: Lake,
    batch_date: str,
    only: set[str] | None = None,
    workers: int = 2,
    memory_limit: int | None = None,
    dated: str = "",
) -> IngestReport:
    """Ingest every landing file of every source. Files are independent: with more than one
    file, `workers` processes share them (largest first), each with its own DuckDB.
    `memory_limit` (bytes; the target's `duckdb_memory`) is what the DuckDBs may use together,
    shared equally among the workers; None leaves each DuckDB its own default (80 % of RAM).
    `dated`: the landing folder is one day's of a folder filed per day (settings.dated_part)."""
    jobs = [
        (source, path)
        for source in project.sources
        if not only or source.name in only
        for path in landing_files(source, landing_dir)
    ]
    shared = _shared_files(jobs)
    refused = [FileResult(s.name, p, error=why) for s, p in jobs if (why := outside_landing(p, landing_dir))]
    jobs = [(s, p) for s, p in jobs if not outside_landing(p, landing_dir)]
    pipeline = project.pipeline
    assert pipeline is not None, "a project that lints clean has its pipeline spec (E213)"
    consumed = lake.landing_records(pipeline.name)  # landing files already ingested: never again
    seen = {p: _landing_identity(p, landing_dir, dated) for _, p in jobs}
    # …unless the lake file it became is gone or damaged since (it is then ingested again, into
    # the same lake file), or an ingest stopped before its batch record named it (then named now)
    batches = lake.batch_records(pipeline.name)
    again = {s.name for s, p in jobs if _consumed(consumed.get(seen[p].path), seen[p])}
    present = {f.key: f for name in sorted(again) for f in lake.list_files(pipeline.name, name)}  # one listing each
    lost = {p: why for _, p in jobs if (why := _lake_copy_lost(present, consumed.get(seen[p].path), seen[p], batches))}
    restored = _restore(
        lake, pipeline.name, [(s, p, consumed[seen[p].path], lost[p]) for s, p in jobs if p in lost], landing_dir
    )
    skipped = [
        FileResult(s.name, p, skipped=f"already ingested in batch {consumed[seen[p].path].batch_date}")
        for s, p in jobs
        if _consumed(consumed.get(seen[p].path), seen[p]) and p not in lost
    ]
    jobs = [(s, p) for s, p in jobs if not _consumed(consumed.get(seen[p].path), seen[p])]
    # an earlier version's bytes for the batch it came in: that delivery again (a retried ingest
    # after the next version was ingested), not new data
    retried = {p: _retried(consumed.get(seen[p].path), seen[p], batch_date) for _, p in jobs}
    skipped += [
        FileResult(
            s.name,
            p,
            skipped=f"already ingested in batch {batch_date} (an earlier version of the file: batch "
            f"{consumed[seen[p].path].batch_date} brought the latest)",
        )
        for s, p in jobs
        if retried[p]
    ]
    jobs = [(s, p) for s, p in jobs if not retried[p]]
    _name_in_batch_records(
        lake, pipeline.name, [consumed[seen[r.landing_path].path] for r in skipped], batches, present
    )
    jobs.sort(key=lambda job: -os.path.getsize(job[1]))
    # A new version of a file ingested before (same landing path, other bytes) gets a lake file
    # of its own: the one a run may have loaded stays as it was (the run refuses a lake file that
    # changed after it was loaded), and the new one loads after it as new data. Its rows name the
    # version (`_source_file`: `<name> (version <UTC time of this ingest>)`), which orders after
    # the first and before a later one: loaded together, the latest version wins a key.
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
    versions = {p: stamp for _, p in jobs if seen[p].path in consumed}
    # a file in a sub-folder is named by its path below the landing folder: `2024-01/orders.csv`
    # and `2024-02/orders.csv` are two files, in their rows' `_source_file` and in the lake
    relative = {p: os.path.relpath(p, landing_dir).replace(os.sep, "/") for _, p in jobs}
    clashes = _lake_name_clashes(
        lake, pipeline.name, jobs, versions, batch_date, {p: seen[p].path for _, p in jobs}, consumed, relative
    )
    refused += [FileResult(s.name, p, error=clashes[p]) for s, p in jobs if p in clashes]
    jobs = [(s, p) for s, p in jobs if p not in clashes]
    # Share the work across processes only from a single-threaded one (framework/forking.py).
    # A pool costs ~0.3 s to start and fill (each child imports its readers): only for batches
    # big enough to gain it back.
    large = sum(os.path.getsize(p) for _, p in jobs) >= _PARALLEL_BYTES
    processes = min(workers, len(jobs))
    if memory_limit is not None:  # the workers share the memory: each gets at least _WORKER_MEMORY
        processes = max(1, min(processes, memory_limit // _WORKER_MEMORY))
    if processes > 1 and large and _single_threaded() and getattr(lake, "forkable", True):
        import multiprocessing

        share = memory_limit // processes if memory_limit is not None else None
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            results = pool.starmap(
                _ingest_job,
                [(pipeline.name, s, p, lake, batch_date, share, versions.get(p, ""), relative[p]) for s, p in jobs],
            )
    elif jobs:  # one DuckDB for all: opening one costs ~15 ms, a day's small files little more each
        with tempfile.TemporaryDirectory(prefix="elt-ingest-") as spill, _duckdb(memory_limit, spill) as con:
            results = [
                _ingest_one(con, pipeline.name, s, p, lake, batch_date, versions.get(p, ""), relative[p])
                for s, p in jobs
            ]
    else:
        results = []
    for result in results:
        others = [name for name in shared.get(result.landing_path, ()) if name != result.source]
        if others and not result.error:
            result.notes.append(
                f"{os.path.basename(result.landing_path)} also matches the landing path of {', '.join(others)}: "
                f"loaded into each (narrow a `landing.path` if it is {result.source}'s alone)"
            )
        before = consumed.get(seen[result.landing_path].path)
        if before is not None and not result.error:
            result.notes.append(
                f"a new version of {before.path} (batch {before.batch_date} had other bytes): ingested as new data"
            )
    report = IngestReport(sorted(results + refused, key=lambda r: (r.source, r.landing_path)))
    if not only:  # a file a pattern no longer matches (a glob edited, a new feed) is named, not passed over
        report.unmatched = _unmatched(landing_dir, {p for s in project.sources for p in landing_files(s, landing_dir)})
    if report.files:  # the batch record comes last: a run never sees a batch still being written
        for result in results:
            if not result.error:
                identity = seen[result.landing_path]
                key = lake_key(result.lake_path)
                before = consumed.get(identity.path)
                record = (
                    before.superseded_by(identity.size, identity.checksum, batch_date, key)
                    if before is not None
                    else LandingRecord(identity.path, identity.size, identity.checksum, batch_date, key)
                )
                lake.write_landing_record(pipeline.name, record)
        below = {p: os.path.relpath(p, landing_dir).replace(os.sep, "/") for p in seen}
        lake.write_batch_record(pipeline.name, batch_record(lake, pipeline.name, batch_date, report, below))
    report.files = sorted(report.files + skipped + restored, key=lambda r: (r.source, r.landing_path))
    return report


@dataclass(frozen=True)
class _Identity:
    path: str  # relative to the landing root
    size: int
    checksum: str


def _landing_identity(path: str, landing_dir: str, dated: str = "") -> _Identity:
    """A landing file by its path under the landing folder — under its date's folder, for a folder
    filed per day (`dated`: e.g. `2024-01-02/`) — its size and checksum."""
    relative = dated + os.path.relpath(path, landing_dir).replace(os.sep, "/")
    return _Identity(relative, os.path.getsize(path), sha256_of(path))


def _consumed(record: LandingRecord | None, identity: _Identity) -> bool:
    """Ingested before, these very bytes: a retried or rescheduled ingest skips it."""
    return record is not None and record.size == identity.size and record.checksum == identity.checksum


def _retried(record: LandingRecord | None, identity: _Identity, batch_date: str) -> bool:
    return record is not None and record.retried(identity.size, identity.checksum, batch_date)


def _lake_copy_lost(
    present: dict[str, LakeFile], record: LandingRecord | None, identity: _Identity, batches: dict[str, BatchRecord]
) -> str:
    """Why the lake file an ingested landing file became cannot stand for it any more (`present`:
    the lake's files by key): gone, or other bytes than its batch record lists; '' when it can
    (or the file was not ingested)."""
    if not _consumed(record, identity):
        return ""
    assert record is not None
    described = present.get(record.lake_key)
    if described is None:
        return f"its lake file {record.lake_key} is missing"
    batch = batches.get(record.batch_date)
    listed = {key: checksum for key, _, checksum in (batch.files if batch else ())}
    if record.lake_key in listed and listed[record.lake_key] != described.checksum:
        return f"its lake file {record.lake_key} has other bytes than its ingest wrote (damaged?)"
    return ""


def _restore(
    lake: Lake, pipeline: str, lost: list[tuple[m.SourceSpec, str, LandingRecord, str]], landing_dir: str
) -> list[FileResult]:
    """Landing files whose lake file is gone or damaged, ingested again into the very lake file
    (same batch, same name and version), and their batch records updated to the bytes now there.
    A run has not loaded such a file (it refuses a batch naming a lake file that is not as
    ingested), or loaded the same bytes (ingest writes a file the same way each time)."""
    if not lost:
        return []
    results = []
    with tempfile.TemporaryDirectory(prefix="elt-ingest-") as spill, _duckdb(None, spill) as con:
        for source, path, record, why in lost:
            version = _version_of(record.lake_key)
            named = record.lake_key.rsplit("/", 1)[-1]  # the very lake file, however it was named then
            relative = os.path.relpath(path, landing_dir).replace(os.sep, "/")
            result = _ingest_one(con, pipeline, source, path, lake, record.batch_date, version, relative, named)
            if not result.error:
                result.notes.append(f"{why}: ingested again into batch {record.batch_date}")
            results.append(result)
    by_batch: dict[str, list[FileResult]] = {}
    for (_, _, record, _), result in zip(lost, results, strict=True):
        if not result.error:
            by_batch.setdefault(record.batch_date, []).append(result)
    for batch_date, done in by_batch.items():
        described = [(lake.describe(r.lake_path), r.rows) for r in done]
        _amend_batch_record(lake, pipeline, batch_date, [(f.key, rows, f.checksum) for f, rows in described if f])
    return results


def _amend_batch_record(lake: Lake, pipeline: str, batch_date: str, entries: list[tuple[str, int, str]]) -> None:
    """The batch's record with these (lake key, rows, checksum) entries added or replaced."""
    before = lake.batch_records(pipeline).get(batch_date) or BatchRecord(batch_date, True)
    files = {key: (key, rows, checksum) for key, rows, checksum in before.files}
    files.update({key: (key, rows, checksum) for key, rows, checksum in entries})
    lake.write_batch_record(
        pipeline, BatchRecord(batch_date, before.complete, tuple(sorted(files.values())), before.failed)
    )


def _version_of(key: str) -> str:
    """The version a lake file name carries (`<name>.v<UTC time>.parquet`), or ''."""
    return file_version(key)[1]


def _name_in_batch_records(
    lake: Lake,
    pipeline: str,
    records: list[LandingRecord],
    batches: dict[str, BatchRecord],
    present: dict[str, LakeFile],
) -> None:
    """A landing file ingested by an ingest that stopped before writing its batch record (an
    interrupt between the two): the batch record names its lake file now, so the batch can load."""
    unnamed: dict[str, list[LandingRecord]] = {}
    for record in records:
        batch = batches.get(record.batch_date)
        if batch is None or record.lake_key not in {key for key, _, _ in batch.files}:
            unnamed.setdefault(record.batch_date, []).append(record)
    for batch_date, named_now in unnamed.items():
        found = [present[r.lake_key] for r in named_now if r.lake_key in present]
        _amend_batch_record(lake, pipeline, batch_date, [(f.key, lake.row_count(f.path), f.checksum) for f in found])


def batch_record(
    lake: Lake, pipeline: str, batch_date: str, report: IngestReport, below: dict[str, str] | None = None
) -> BatchRecord:
    """The batch's record after this ingest, merged with an earlier ingest of the same batch: a
    file refused before stays refused until a later ingest of it succeeds, so re-ingesting just
    the corrected file completes the batch — and nothing else can. A refused file is recorded
    by its path below the landing folder (`below`: landing file → that path), the same from one
    ingest to the next, on S3 too; a record written before named it by its whole local path,
    told apart by its name only."""
    below = below or {}

    def named(path: str) -> str:
        return below.get(path) or os.path.basename(path)

    before = lake.batch_records(pipeline).get(batch_date)
    done = {named(r.landing_path) for r in report.files if not r.error}
    failed = {}
    for entry in before.failed if before else ():
        earlier = os.path.basename(entry[0]) if os.path.isabs(entry[0]) else entry[0]
        if earlier not in (done if not os.path.isabs(entry[0]) else {d.rsplit("/", 1)[-1] for d in done}):
            failed[earlier] = entry
    failed.update({named(r.landing_path): (named(r.landing_path), r.error, r.source) for r in report.failed})
    files = {key: (key, rows, checksum) for key, rows, checksum in (before.files if before else ())}
    for result in report.files:
        described = lake.describe(result.lake_path) if not result.error else None
        if described is not None:
            files[described.key] = (described.key, result.rows, described.checksum)
    return BatchRecord(batch_date, not failed, tuple(sorted(files.values())), tuple(sorted(failed.values())))


def _ingest_job(
    pipeline: str,
    source: m.SourceSpec,
    path: str,
    lake: Lake,
    batch_date: str,
    memory_limit: int | None,
    version: str,
    relative: str,
) -> FileResult:
    with tempfile.TemporaryDirectory(prefix="elt-ingest-") as spill, _duckdb(memory_limit, spill) as con:
        return _ingest_one(con, pipeline, source, path, lake, batch_date, version, relative)


def _ingest_one(
    con,
    pipeline: str,
    source: m.SourceSpec,
    path: str,
    lake: Lake,
    batch_date: str,
    version: str,
    relative: str = "",
    lake_file: str = "",
) -> FileResult:
    try:
        return ingest_file(con, pipeline, source, path, lake, batch_date, version, relative, lake_file)
    except IngestError as err:
        return FileResult(source.name, path, error=str(err))


@contextlib.contextmanager
def _duckdb(memory_limit: int | None, spill: str) -> Iterator:
    """An in-memory DuckDB for one file. Past `memory_limit` bytes it spills the staged rows to
    `spill` (its default temp directory would be `.tmp` in the working directory)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")  # a timestamptz without an offset is UTC, as on Redshift
        con.execute(f"SET temp_directory = '{spill.replace(chr(39), chr(39) * 2)}'")
        if memory_limit is not None:
            con.execute(f"SET memory_limit = '{max(memory_limit // 2**10, 1)}KiB'")
        yield con
    finally:
        con.close()


def _lake_name_clashes(
    lake: Lake,
    pipeline: str,
    jobs: list[tuple[m.SourceSpec, str]],
    versions: dict[str, str],
    batch_date: str,
    identity: dict[str, str],
    consumed: dict[str, LandingRecord],
    relative: dict[str, str],
) -> dict[str, str]:
    """Landing file → why it is refused, for files that would become the same lake file as
    another landing file of their source and batch (`items.csv` and `items.csv.gz`, or
    `a/items.csv` and `b/items.csv`): one would silently replace the other's rows. Every file of
    such a clash in this ingest is refused, and a file whose lake name another landing file of
    the batch took in an earlier ingest."""
    taken = {record.lake_key: record.path for record in consumed.values() if record.batch_date == batch_date}
    claims: dict[str, list[str]] = {}
    for source, path in jobs:
        name = lake_name(relative[path], versions.get(path, ""))
        key = lake_key(lake.batch_file(pipeline, source.name, batch_date, name))
        claims.setdefault(key, []).append(path)
    why = {}
    for key, paths in claims.items():
        earlier = taken.get(key)
        for path in paths:
            rivals = [identity[p] for p in paths if p != path]
            if earlier is not None and earlier != identity[path]:
                rivals.append(f"{earlier} (ingested before)")
            if rivals:
                why[path] = (
                    f"{path}: becomes lake file {key.rsplit('/', 1)[-1]} of batch {batch_date}, as "
                    f"{' and '.join(rivals)} does: a lake file is named after its landing file's path without "
                    "its extension (a sub-folder's `/` as `__`), and one would replace the other's rows. Rename "
                    "one landing file"
                )
    return why


def lake_name(landing_path: str, version: str = "") -> str:
    """The lake file's name: the landing file's path below the landing folder (`a/b.csv` →
    `a__b`), as Parquet; `version` tells apart a new version of a landing file ingested before
    (the time it was ingested)."""
    name = landing_path.replace(os.sep, "/").strip("/").replace("/", "__")
    for suffix in (".gz", ".csv", ".parquet", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name + (f".v{version}" if version else "") + ".parquet"


@contextlib.contextmanager
def _literally(path: str) -> Iterator[str]:
    """A path DuckDB reads as this one file: the file itself, or a link to it under a plain name
    when its name holds glob characters."""
    if not any(c in path for c in "*?[]{}"):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="elt-landing-") as folder:
        plain = os.path.join(folder, "landing" + os.path.splitext(path)[1])
        try:
            os.link(path, plain)
        except OSError:  # another file system: a copy reads the same bytes
            shutil.copyfile(path, plain)
        yield plain


def _unreadable(path: str, source: m.SourceSpec, err: Exception) -> str:
    """What to say of a file DuckDB could not read: the line where its line endings change, when
    that is why; DuckDB's first line of text otherwise."""
    from framework.ingest.line_endings import mixed_endings

    too_long = re.search(r"Maximum line size of (\d+) bytes exceeded", str(err))
    if source.landing.format is m.FileFormat.CSV and too_long:
        limit = int(too_long.group(1))
        where = _first_line_longer_than(path, limit)
        return (
            f"{path}:{where}: the line is longer than the {limit:,} bytes a CSV line may have here; "
            "no value that long could load into Redshift either (a VARCHAR holds 65,535 bytes)"
        )
    if source.landing.format is m.FileFormat.CSV:
        try:
            mixed = mixed_endings(path, source.landing.csv.quote)
        except (OSError, EOFError, zlib.error):  # a truncated gzip: DuckDB's words say it
            mixed = None
        if mixed is not None:
            return f"{path}:{mixed.line}: {mixed.describe()}"
        from framework.ingest.quotes import quote_problem

        try:
            misquoted = quote_problem(path, source.landing.csv)
        except (OSError, EOFError, zlib.error, LookupError):
            misquoted = None
        if misquoted is not None:
            return f"{path}:{misquoted.line}: {misquoted.describe(source.landing.csv.quote)}"
    return f"{path}: cannot read the file as {source.landing.format.value}: {str(err).splitlines()[0]}"


def _first_line_longer_than(path: str, limit: int) -> str:
    """The number of the file's first line past `limit` bytes ('?' when it cannot be read)."""
    from framework.ingest.header import open_binary

    try:
        with open_binary(path) as handle:
            for number, line in enumerate(handle, 1):
                if len(line.rstrip(b"\r\n")) > limit:
                    return str(number)
    except (OSError, EOFError, zlib.error):
        pass
    return "?"


def ingest_file(
    con,
    pipeline: str,
    source: m.SourceSpec,
    path: str,
    lake: Lake,
    batch_date: str,
    version: str = "",
    relative: str = "",
    lake_file: str = "",
) -> FileResult:
    """One landing file into the lake. `relative`: its path below the landing folder read (its
    name when ''), which names its rows' `_source_file` and its lake file (`lake_name`);
    `lake_file`: the lake file's name as recorded before (a lost lake file ingested again)."""
    import duckdb

    from framework.ingest import reading

    undecodable: frozenset[str] = frozenset()
    if source.landing.format is m.FileFormat.PARQUET:
        header = reading.parquet_header(path, source)
        undecodable = reading.parquet_binary_strings(path, source)
    else:
        header = read_header(path, source)
    plan = plan_header(path, header, source)
    result = FileResult(source.name, path, notes=list(plan.notes))
    try:
        with utf8_file(path, source) as (utf8, read_as), _literally(utf8) as readable:  # `*`, `?`, `[`: a glob
            counts = reading.stage_raw(con, readable, plan.file_columns, read_as, undecodable)
        at = reading.record_lines(con, source, plan.file_columns)
        result.rejects = reading.collect_rejects(con, source, plan.file_columns, at, undecodable)
        result.notes += reading.padded_keys(con, source)
    except duckdb.Error as err:
        raise IngestError(_unreadable(path, source, err)) from None
    total = counts.records
    if total and len(result.rejects) / total > source.max_reject_fraction:
        first = "; ".join(f"{r.place}: {r.reason}" for r in result.rejects[:3])
        raise IngestError(
            f"{path}: {len(result.rejects)} of {total} rows rejected "
            f"({100 * len(result.rejects) / total:.1f}%), above the max_reject_fraction of source '{source.name}', "
            f"{100 * source.max_reject_fraction:g}%: nothing loaded. "
            f"First: {first}"
        )
    delivered_as = relative or os.path.basename(path)
    name = lake_file or lake_name(delivered_as, version)
    with tempfile.TemporaryDirectory() as tmp:
        local = os.path.join(tmp, name)
        delivered = delivered_as + (f" (version {version})" if version else "")
        result.rows = reading.write_good_rows(con, source, local, batch_date, delivered, at)
        lake_path = lake.batch_file(pipeline, source.name, batch_date, name)
        lake.put(local, lake_path)
        result.lake_path = lake_path
        if result.rejects:
            rejects_local = os.path.join(tmp, "rejects.parquet")
            reading.write_rejects(result.rejects, rejects_local, source.name, delivered, batch_date)
            lake.put(rejects_local, lake.reject_file(pipeline, source.name, batch_date, name))
    return result
