"""The stdlib Parquet footer reader counts the rows pyarrow counts and reads the key-value
metadata pyarrow reads, on files of every shape the lake holds, and refuses what is not a Parquet
footer with a LakeError naming the file."""

from __future__ import annotations

import datetime
import decimal
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from framework.errors import LakeError
from framework.lake.arrow import SHAPE_KEY, shape_tag, write_lake_parquet
from framework.lake.footer import FooterError, key_value_metadata, metadata_of, num_rows, row_count_of
from framework.lake.local import LocalLake


def _table(rows: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    return pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "name": pa.array([None if rng.random() < 0.1 else f"n{rng.randrange(50)}" for _ in range(rows)]),
            "flag": pa.array([rng.random() < 0.5 for _ in range(rows)]),
            "amount": pa.array(
                [decimal.Decimal(rng.randrange(10**6)) / 100 for _ in range(rows)], pa.decimal128(12, 2)
            ),
            "day": pa.array([datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 400) for i in range(rows)]),
            "score": pa.array([rng.random() for _ in range(rows)], pa.float64()),
        }
    )


@pytest.mark.parametrize(
    ("rows", "row_group_size", "extra"),
    [
        (0, None, {}),
        (1, None, {}),
        (5_000, 700, {}),  # many row groups: a long list in the footer
        (3_000, None, {"compression": "zstd", "write_statistics": False}),
        (2_500, 1_000, {"use_dictionary": False, "data_page_size": 512}),
    ],
)
def test_counts_what_pyarrow_counts(tmp_path, rows, row_group_size, extra):
    path = tmp_path / "f.parquet"
    table = _table(rows, rows)
    pq.write_table(
        table.replace_schema_metadata({"origin": "test", "note": "x" * 300}),
        path,
        row_group_size=row_group_size,
        **extra,
    )
    assert row_count_of(str(path)) == pq.ParquetFile(path).metadata.num_rows == rows
    assert LocalLake(str(tmp_path)).row_count(str(path)) == rows
    assert key_value_metadata(metadata_of(str(path))) == pq.ParquetFile(path).metadata.metadata


def test_a_wide_file_with_nested_columns(tmp_path):
    path = tmp_path / "wide.parquet"
    columns = {f"c{i}": pa.array([i] * 10) for i in range(40)}
    columns["tags"] = pa.array([["a", "b"]] * 10, pa.list_(pa.string()))
    columns["point"] = pa.array([{"x": 1.0, "y": 2.0}] * 10)
    pq.write_table(pa.table(columns), path)
    assert row_count_of(str(path)) == 10


def test_not_a_parquet_file_is_a_lake_error_naming_it(tmp_path):
    for name, data in [("short.parquet", b"PAR1"), ("text.parquet", b"a,b\n1,2\n" * 10)]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(LakeError, match=name):
            LocalLake(str(tmp_path)).row_count(str(path))


def test_a_footer_cut_before_its_row_count_is_refused_not_misread(tmp_path):
    path = tmp_path / "f.parquet"
    pq.write_table(_table(100, 1), path)
    data = path.read_bytes()
    length = int.from_bytes(data[-8:-4], "little")
    metadata = data[-8 - length : -8]
    assert num_rows(metadata) == 100
    for cut in (1, 10, 40):  # inside the schema, which comes before num_rows
        with pytest.raises(FooterError):
            num_rows(metadata[:cut])


def test_a_file_written_without_key_value_metadata_has_none(tmp_path):
    import duckdb

    path = tmp_path / "plain.parquet"
    duckdb.sql(f"COPY (SELECT 1 AS a, 'x' AS b) TO '{path}' (FORMAT parquet)")
    assert pq.ParquetFile(path).metadata.metadata in (None, {})  # DuckDB writes none of its own
    assert key_value_metadata(metadata_of(str(path))) == {}
    assert LocalLake(str(tmp_path)).shape_tag(str(path)) is None


def test_a_lake_file_carries_the_shape_it_was_written_for(tmp_path):
    from framework.spec import model as m
    from framework.spec.types import parse_type

    def column(name: str, type_text: str, nullable: bool = True) -> m.Column:
        return m.Column(name, type_text, parse_type(type_text), nullable)

    columns = (column("id", "bigint", False), column("code", "string(4)"), column("amount", "decimal(12,2)"))
    path = tmp_path / "lake.parquet"
    table = pa.table({"id": [1, 2], "code": ["ab", None], "amount": [decimal.Decimal("1.50"), None]})
    assert write_lake_parquet(table.to_batches(), str(path), columns) == 2
    tag = LocalLake(str(tmp_path)).shape_tag(str(path))
    assert tag == shape_tag(columns) == pq.ParquetFile(path).metadata.metadata[SHAPE_KEY].decode()
    # any change a load would have to look at gives another tag: a length, a precision, nullability, order
    for changed in [
        (columns[0], column("code", "string(3)"), columns[2]),
        (columns[0], columns[1], column("amount", "decimal(12,1)")),
        (column("id", "bigint"), columns[1], columns[2]),
        (columns[1], columns[0], columns[2]),
        (columns[0], columns[1], column("amount", "decimal(12,2)"), column("extra", "string")),
    ]:
        assert shape_tag(changed) != tag, changed
