"""The Olist pipeline: lints clean, and its source specs agree with the real files."""

from __future__ import annotations

import csv
import datetime
import decimal
import gzip
import io
import subprocess
from pathlib import Path

import pytest

from framework.spec.project import load_project
from tests.conftest import OLIST, REPO, lint, shared_olist_or_skip

SAMPLE = OLIST / "sample"


@pytest.fixture(scope="module")
def project():
    project, problems = load_project(str(OLIST))
    assert problems == []
    return project


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def files_for(source, folder: Path) -> list[Path]:
    return sorted(folder.glob(source.landing.path))


def test_olist_lints_without_any_finding():
    assert [d.format() for d in lint(OLIST)] == []


def test_nine_sources_and_the_star_schema(project):
    assert sorted(s.name for s in project.sources) == sorted(
        [
            "orders",
            "customers",
            "order_items",
            "order_payments",
            "order_reviews",
            "products",
            "sellers",
            "geolocation",
            "category_translation",
        ]
    )
    assert {m.name for m in project.models} >= {
        "dim_customer",
        "dim_product",
        "dim_seller",
        "dim_date",
        "dim_zip_prefix",
        "fact_order_items",
        "fact_orders",
        "fact_payments",
        "fact_reviews",
        "mart_customer_360",
        "mart_daily_sales",
        "mart_category_monthly",
    }
    dim_customer = next(m for m in project.models if m.name == "dim_customer")
    assert dim_customer.history.type == "scd2" and dim_customer.keys.business == ("customer_unique_id",)


def test_each_source_matches_exactly_one_bundled_file_and_its_header(project):
    for source in project.sources:
        (path,) = files_for(source, SAMPLE)
        header, _ = read_csv(path)
        assert header == [c.name for c in source.columns], source.name


def test_source_headers_match_the_byte_exact_originals(project):
    shared = shared_olist_or_skip()
    for source in project.sources:
        (path,) = files_for(source, shared)
        header, _ = read_csv(path)
        assert header == [c.name for c in source.columns], source.name
    products = next(s for s in project.sources if s.name == "products")
    assert products.column("product_name_lenght") is not None  # the dataset's own spelling


def _parses(value: str, ptype) -> bool:
    try:
        if ptype.name in ("integer", "bigint"):
            number = decimal.Decimal(value)  # the pandas rewrite prints 541 as 541.0
            return number == number.to_integral_value()
        if ptype.name == "decimal":
            number = decimal.Decimal(value)
            return (
                number.as_tuple().exponent >= -ptype.scale
                and len(str(int(abs(number)))) <= ptype.precision - ptype.scale
            )
        if ptype.name == "double":
            float(value)
            return True
        if ptype.name == "timestamp":
            datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            return True
        if ptype.name == "date":
            datetime.date.fromisoformat(value)
            return True
        if ptype.name == "boolean":
            return value.lower() in ("true", "false", "0", "1")
    except (ValueError, ArithmeticError):
        return False
    return True


@pytest.mark.parametrize("folder", ["sample", "shared"])
def test_declared_types_and_nullability_hold_on_the_real_rows(project, folder):
    base = SAMPLE if folder == "sample" else shared_olist_or_skip()
    for source in project.sources:
        (path,) = files_for(source, base)
        _, rows = read_csv(path)
        nulls = set(source.landing.csv.null_markers)
        for index, col in enumerate(source.columns):
            values = [row[index] for row in rows]
            if not col.nullable:
                assert not any(v in nulls for v in values), f"{source.name}.{col.name} has empty values"
            bad = [v for v in values if v not in nulls and not _parses(v, col.type)]
            assert not bad, f"{source.name}.{col.name} ({col.type}): {bad[:3]}"
        if source.primary_key:
            keys = [tuple(row[[c.name for c in source.columns].index(k)] for k in source.primary_key) for row in rows]
            assert len(keys) == len(set(keys)), f"{source.name}: primary key {source.primary_key} not unique"


def test_zip_prefixes_are_strings_with_leading_zeros(project):
    for source in project.sources:
        for col in source.columns:
            if "zip_code_prefix" in col.name:
                assert col.type.name == "string", f"{source.name}.{col.name}"
    _, rows = read_csv(SAMPLE / "olist_sellers_dataset.csv.gz")
    assert any(row[1].startswith("0") for row in rows)


def test_money_is_decimal(project):
    money = {("order_items", "price"), ("order_items", "freight_value"), ("order_payments", "payment_value")}
    for source_name, column in money:
        source = next(s for s in project.sources if s.name == source_name)
        assert source.column(column).type.name == "decimal"


def test_sample_carries_its_origin_and_licence():
    readme = (SAMPLE / "README.md").read_text()
    assert "CC BY-NC-SA 4.0" in readme and "Olist" in readme


def test_the_framework_does_not_know_about_olist():
    found = subprocess.run(
        ["grep", "-ril", "olist", "framework", "dag_factory"], cwd=REPO, capture_output=True, text=True
    ).stdout.split()
    assert [f for f in found if not f.endswith(".pyc")] == []
