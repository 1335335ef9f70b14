"""Every lint rule: a broken copy of the tiny pipeline and the exact diagnostics it must produce.

Each case edits the fixture and lists every diagnostic expected — (file, line, column,
code, a fragment of the message) — so a rule that fires at the wrong spot, fires twice,
or drags other findings along fails the test.
"""

from __future__ import annotations

import pytest

from framework.lint.catalog import RULES
from tests.conftest import lint

MODEL_HEAD = "version: 1\nkind: model\nname: extra\nlayer: mart\n"
EXTRA_OK = MODEL_HEAD + (
    "depends_on: [fact_purchase]\n"
    "columns:\n"
    "  - {name: n, type: bigint, tests: [not_null]}\n"
    "sql: SELECT COUNT(*) AS n FROM fact_purchase\n"
)


def only_w503(tiny):
    """The one W503 the pipeline lints with (it fails when there are none or several)."""
    (warning,) = [d for d in lint(tiny) if d.code == "W503"]
    return warning


def write(path, text):
    return ("write", path, text)


def replace(path, old, new):
    return ("replace", path, old, new)


CASES = [
    (
        "E001",
        [write("models/extra.yml", "version: 1\nkind: model\nname: [extra\nlayer: mart\n")],
        [("models/extra.yml", 4, 6, "E001", "YAML syntax error")],
    ),
    (
        "E002",
        [write("models/extra.yml", "version: 1\nkind: model\nname: extra\nkind: model\n")],
        [("models/extra.yml", 4, 1, "E002", "duplicate key 'kind' (first defined at line 2)")],
    ),
    (
        "E003",
        [write("models/extra.yml", b"version: 1\nkind: model\nname: caf\xe9\n")],
        [("models/extra.yml", 3, 10, "E003", "byte 0xe9")],
    ),
    (  # a NUL in a path crashed ingest and lint ("embedded null byte"); in SQL it cut the statement
        "E003",
        [replace("pipeline.yml", "lake: lake", 'lake: "lake\\0"')],
        [("pipeline.yml", 15, 11, "E003", "a NUL character")],
    ),
    (  # Airflow refuses a tag past 100 characters (the DAG came up unscheduled); threads: 100000 spun (round 32)
        "E105",
        [
            replace("pipeline.yml", "tags: [fixture]", "tags: [" + "t" * 101 + "]"),
            replace("pipeline.yml", "    lake: lake\n", "    lake: lake\n    threads: 100000\n"),
        ],
        [
            ("pipeline.yml", 7, 8, "E105", "at most 100 character"),
            ("pipeline.yml", 16, 14, "E105", "expected a number <= 1024"),
        ],
    ),
    (  # a column name past PostgreSQL's 63 bytes was cut there; every load after was refused (round 32)
        "E105",
        [replace("sources/members.yml", "{name: city, type: string}", "{name: c" + "i" * 63 + ", type: string}")],
        [("sources/members.yml", 13, 12, "E105", "at most 63")],
    ),
    (
        "E004",
        [write("models/extra.yml", "# nothing here yet\n\n")],
        [("models/extra.yml", 1, 1, "E004", "the file is empty")],
    ),
    (
        "E005",
        [write("models/extra.yml", "version: 1\nkind: !!python/name:os.system model\n")],
        [("models/extra.yml", 2, 7, "E005", "YAML tag '!!python/name:os.system' is not allowed")],
    ),
    (
        "E101",
        [replace("models/dim_member.yml", "description: Members", "descripton: Members")],
        [("models/dim_member.yml", 5, 1, "E101", "unknown field 'descripton'. Did you mean 'description'?")],
    ),
    (  # adversarial round 46: an unquoted type with a comma in a flow mapping, and a hint that says so
        "E101",
        [replace("sources/purchases.yml", 'type: "decimal(10,2)"', "type: decimal(10,2)")],
        [
            (
                "sources/purchases.yml",
                8,
                37,
                "E101",
                "unknown field '2)'. YAML cuts a value at a comma inside a flow mapping `{...}` (it read "
                "`type: decimal(10` and a key `2)`): quote it",
            )
        ],
    ),
    (
        "E102",
        [write("models/extra.yml", EXTRA_OK.replace("layer: mart\n", ""))],
        [("models/extra.yml", 1, 1, "E102", "missing required field 'layer'")],
    ),
    (
        "E103",
        [write("models/extra.yml", EXTRA_OK.replace("depends_on: [fact_purchase]", "depends_on: fact_purchase"))],
        [("models/extra.yml", 5, 13, "E103", "depends_on: expected a list, found a string")],
    ),
    (
        "E104",
        [replace("models/dim_member.yml", "layer: dimension", "layer: dimention")],
        [("models/dim_member.yml", 4, 8, "E104", "layer: value 'dimention' is not allowed. Did you mean 'dimension'?")],
    ),
    (
        "E105",
        [write("models/extra.yml", EXTRA_OK.replace("name: extra", "name: Extra-Model"))],
        [("models/extra.yml", 3, 7, "E105", "'Extra-Model' is not a lower_snake_case name")],
    ),
    (
        "E105",
        [replace("pipeline.yml", "    lake: lake\n", "    lake: lake\n    memory_limit: 2 gigs\n")],
        [("pipeline.yml", 16, 19, "E105", "'2 gigs' is not a memory size such as 1.5GB or 800MiB")],
    ),
    (
        "E105",
        [
            write(
                "models/extra.yml",
                EXTRA_OK
                + "checks:\n"
                + "  - {type: expression, name: positive, condition: n > 0}\n"
                + "  - {type: expression, name: positive, condition: n >= 0}\n",
            )
        ],
        [("models/extra.yml", 11, 30, "E105", "check name 'positive' is already used by the check at line 10")],
    ),
    (  # a final line break passed every `^…$` pattern (Python's `$`) into SQL and file names (round 32)
        "E105",
        [replace("pipeline.yml", "name: tiny_shop", 'name: "tiny_shop\\n"')],
        [("pipeline.yml", 4, 7, "E105", "'tiny_shop\\n' is not a lower_snake_case name")],
    ),
    (
        "E106",
        [write("models/extra.yml", EXTRA_OK.replace("version: 1", "version: 1.0"))],
        [("models/extra.yml", 1, 10, "E106", "unsupported spec version 1.0")],
    ),
    (
        "E106",
        [write("models/extra.yml", EXTRA_OK.replace("version: 1", "version: 2"))],
        [("models/extra.yml", 1, 10, "E106", "unsupported spec version 2")],
    ),
    (
        "E107",
        [write("models/extra.yml", EXTRA_OK.replace("kind: model", "kind: modle"))],
        [("models/extra.yml", 2, 7, "E107", "unknown spec kind 'modle'. Did you mean 'model'?")],
    ),
    (
        "E201",
        [replace("sources/members.yml", "{name: email, type: string}", "{name: email, type: varchar(200)}")],
        [("sources/members.yml", 11, 25, "E201", "invalid type 'varchar(200)'; expected one of string")],
    ),
    (
        "E202",
        [replace("sources/members.yml", "{name: city, type: string}", "{name: tier, type: string}")],
        [
            ("models/dim_member.yml", 29, 10, "E404", "unknown column 'city'"),  # the follow-on in the SQL is real
            ("sources/members.yml", 13, 12, "E202", "duplicate column 'tier' (first declared as columns[2])"),
        ],
    ),
    (
        "E203",
        [replace("models/dim_member.yml", "tracked: [tier, city]", "tracked: [tier, cty]")],
        [("models/dim_member.yml", 14, 19, "E203", "unknown column 'cty'. Did you mean 'city'?")],
    ),
    (
        "E204",
        [write("models/extra_counts.yml", EXTRA_OK)],
        [("models/extra_counts.yml", 3, 7, "E204", "model name 'extra' does not match the file name 'extra_counts'")],
    ),
    (
        "E205",
        [write("models/more/dim_member.yml", open("tests/fixtures/tiny_shop/models/dim_member.yml").read())],
        [
            (
                "models/more/dim_member.yml",
                3,
                7,
                "E205",
                "spec name 'dim_member' is already used by models/dim_member.yml",
            )
        ],
    ),
    (
        "E206",
        [
            replace("models/dim_member.yml", "  business: [member_id]\n", ""),
            replace(
                "models/dim_member.yml",
                "incremental: {strategy: merge}",
                "incremental: {strategy: time_range, time_column: updated_at}",
            ),
        ],
        [("models/dim_member.yml", 12, 9, "E206", "SCD2 history needs a business key")],
    ),
    (
        "E207",
        [replace("models/dim_member.yml", "tracked: [tier, city]", "tracked: [tier, member_id]")],
        [("models/dim_member.yml", 14, 19, "E207", "'member_id' is part of the business key")],
    ),
    (
        "E208",
        [replace("models/dim_member.yml", "  - {name: is_current, type: boolean, nullable: false}\n", "")],
        [("models/dim_member.yml", 13, 9, "E208", "must declare the column 'is_current' (boolean)")],
    ),
    (
        "E209",
        [replace("models/fact_purchase.yml", "sql_file: fact_purchase.sql", "sql_file: fact_purchases.sql")],
        [("models/fact_purchase.yml", 15, 11, "E209", "sql_file 'fact_purchases.sql': file not found")],
    ),
    (
        "E210",
        [replace("sources/members.yml", "primary_key: [member_id]\n", "")],
        [
            ("sources/members.yml", 15, 1, "E210", "deduplicate needs a primary_key"),
            ("sources/members.yml", 16, 12, "E210", "load_mode 'upsert' needs a primary_key"),
        ],
    ),
    (
        "E211",
        [replace("models/fact_purchase.yml", "incremental: {strategy: delete_insert}\n", "")],
        [("models/fact_purchase.yml", 6, 18, "E211", "an incremental model needs 'incremental: {strategy: ...}'")],
    ),
    (
        "E212",
        [replace("pipeline.yml", 'schedule: "30 2 * * *"', 'schedule: "30 25 * * *"')],
        [("pipeline.yml", 8, 11, "E212", "invalid cron schedule '30 25 * * *': hour value '25' is outside 0-23")],
    ),
    (
        "E212",
        [replace("pipeline.yml", "    lake: lake\n", "    lake: lake\n    memory_limit: 64MB\n")],
        [("pipeline.yml", 16, 19, "E212", "memory_limit '64MB' of target 'dev' is below the 128MiB DuckDB needs")],
    ),
    (
        "E213",
        [write("extra/pipeline.yml", open("tests/fixtures/tiny_shop/pipeline.yml").read())],
        [("./extra/pipeline.yml", 1, 1, "E213", "a second pipeline spec; this folder's pipeline is pipeline.yml")],
    ),
    (
        "E214",
        [replace("models/dim_member.yml", "diststyle: key, distkey: member_id, ", "diststyle: key, ")],
        [("models/dim_member.yml", 32, 23, "E214", "diststyle 'key' needs a distkey")],
    ),
    (
        "E215",
        [
            replace("sources/members.yml", "path: members_*.csv", "path: ../../etc/members_*.csv"),
            write("../outside.sql", "SELECT 1 AS x"),
            replace("models/fact_purchase.yml", "sql_file: fact_purchase.sql", "sql_file: ../../outside.sql"),
        ],
        [
            ("models/fact_purchase.yml", 15, 11, "E215", "sql_file '../../outside.sql' is outside this spec's folder"),
            ("sources/members.yml", 6, 9, "E215", "landing path '../../etc/members_*.csv' leaves the landing folder"),
        ],
    ),
    (
        "E216",
        [
            replace(
                "models/fact_purchase.yml",
                "{name: purchase_id, type: string, nullable: false}",
                "{name: purchase_id, type: string}",
            )
        ],
        [("models/fact_purchase.yml", 9, 19, "E216", "business key column 'purchase_id' is nullable")],
    ),
    (
        "E301",
        [
            replace(
                "models/fact_purchase.yml", "depends_on: [purchases, dim_member]", "depends_on: [purchases, dim_membr]"
            )
        ],
        [
            ("models/fact_purchase.sql", 6, 11, "E407", "the SELECT reads 'dim_member', which is not in depends_on"),
            ("models/fact_purchase.yml", 8, 25, "E301", "unknown dependency 'dim_membr'. Did you mean 'dim_member'?"),
        ],
    ),
    (
        "E302",
        [replace("models/dim_member.yml", "depends_on: [members]", "depends_on: [members, fact_purchase]")],
        [
            ("models/dim_member.yml", 8, 23, "E302", "dependency cycle: dim_member -> fact_purchase -> dim_member"),
            (
                "models/dim_member.yml",
                8,
                23,
                "E407",
                "depends_on lists 'fact_purchase' but the SELECT does not read it",
            ),
        ],
    ),
    (
        "E303",
        [replace("models/fact_purchase.yml", "to: dim_member.member_sk", "to: dim_member.member_key")],
        [("models/fact_purchase.yml", 18, 50, "E303", "'dim_member' has no column 'member_key'")],
    ),
    (
        "E304",
        [replace("models/fact_purchase.yml", "to: dim_member.member_sk", "to: dim_member.member_id")],
        [("models/fact_purchase.yml", 18, 50, "E304", "'member_sk' is string but 'dim_member.member_id' is bigint")],
    ),
    (
        "E306",
        [
            replace(
                "models/fact_purchase.yml",
                "  - {type: min_row_count, min: 1}",
                "  - {type: accepted_values, column: amount, values: [1, x]}",
            )
        ],
        [("models/fact_purchase.yml", 20, 57, "E306", "accepted value 'x' is not a number")],
    ),
    (
        "E401",
        [replace("models/fact_purchase.sql", "LEFT JOIN dim_member AS d", "LEFT JOIN dim_member AS d d2")],
        [("models/fact_purchase.sql", 6, 27, "E401", "SQL syntax error (Redshift dialect)")],
    ),
    (
        "E401",
        [replace("models/dim_member.yml", "LOWER(tier) AS tier,", "LOWER(tier AS tier,")],
        [("models/dim_member.yml", 28, 21, "E401", "SQL syntax error (Redshift dialect)")],
    ),
    (
        "E401",
        [replace("models/fact_purchase.yml", 'condition: "amount > 0"', 'condition: "amount > 0 AND"')],
        [
            (
                "models/fact_purchase.yml",
                19,
                70,
                "E401",
                "checks[2].condition: SQL syntax error (Redshift dialect): incomplete AND",
            )
        ],
    ),
    (
        "E402",
        [
            replace(
                "models/dim_member.yml",
                "sql: |\n  SELECT member_id,",
                "sql: |\n  DELETE FROM members; SELECT member_id,",
            )
        ],
        [("models/dim_member.yml", 27, 3, "E402", "model SQL must be one SELECT query, found 2 statements")],
    ),
    (
        "E403",
        [replace("models/fact_purchase.sql", "FROM purchases AS p", "FROM purchase AS p")],
        [
            ("models/fact_purchase.sql", 5, 6, "E403", "unknown table 'purchase'. Did you mean 'purchases'?"),
            ("models/fact_purchase.yml", 8, 14, "E407", "depends_on lists 'purchases' but the SELECT does not read it"),
        ],
    ),
    (
        "E404",
        [replace("models/fact_purchase.sql", "       p.amount,", "       p.amout,")],
        [("models/fact_purchase.sql", 3, 8, "E404", "unknown column 'p.amout'. Did you mean 'amount'?")],
    ),
    (
        "E404",
        [replace("models/dim_member.yml", "         city,", "         cty,")],
        [("models/dim_member.yml", 29, 10, "E404", "unknown column 'cty'. Did you mean 'city'?")],
    ),
    (
        "E405",
        [replace("models/fact_purchase.sql", "SELECT p.purchase_id,", "SELECT purchase_id, member_id AS m,")],
        [("models/fact_purchase.sql", 1, 21, "E405", "column 'member_id' is ambiguous: it exists in d, p. Qualify it")],
    ),
    (  # round 54 (duplicate_output_column_crash): `internal error: StopIteration`
        "E406",
        [replace("models/fact_purchase.sql", "       p.amount,\n", "       p.amount,\n       p.amount AS AMOUNT,\n")],
        [("models/fact_purchase.sql", 4, 8, "E406", "the SELECT returns 'amount' twice")],
    ),
    (
        "E406",
        [replace("models/fact_purchase.sql", "       p.amount,\n", "")],
        [("models/fact_purchase.sql", 1, 8, "E406", "the SELECT does not return the declared column 'amount'")],
    ),
    (
        "E406",
        [
            replace(
                "models/fact_purchase.sql",
                "       d.member_sk,\n       p.amount,",
                "       p.amount,\n       d.member_sk,",
            )
        ],
        [("models/fact_purchase.sql", 2, 8, "E406", "in another order: 'amount' where the spec declares 'member_sk'")],
    ),
    (
        "E406",
        [replace("models/fact_purchase.sql", "       p.amount,", "       p.purchased_at > p.purchased_at AS amount,")],
        [("models/fact_purchase.sql", 3, 8, "E406", "'amount' is declared decimal(10,2) but the SELECT gives BOOLEAN")],
    ),
    (
        "E407",
        [replace("models/fact_purchase.yml", "depends_on: [purchases, dim_member]", "depends_on: [purchases]")],
        [("models/fact_purchase.sql", 6, 11, "E407", "the SELECT reads 'dim_member', which is not in depends_on")],
    ),
    (
        "E408",
        [replace("models/dim_member.yml", "         city,", "         SOUNDEX(city) AS city,")],
        [("models/dim_member.yml", 27, 3, "E408", "the SELECT does not translate to DuckDB: SOUNDEX is not supported")],
    ),
    (
        "E305",
        [
            replace(
                "models/fact_purchase.yml",
                "incremental: {strategy: delete_insert}",
                "incremental: {strategy: delete_insert, keys_from: {members: member_id, purchases: purchase_ref}}",
            )
        ],
        [
            ("models/fact_purchase.yml", 7, 52, "E305", "keys_from names 'members', which is not in depends_on"),
            ("models/fact_purchase.yml", 7, 83, "E305", "'purchases' has no column 'purchase_ref'. Did you mean"),
        ],
    ),
    (
        "W504",
        [replace("models/fact_purchase.sql", "       p.amount,", "       p.member_id / 2 AS amount,")],
        [
            (
                "models/fact_purchase.sql",
                3,
                8,
                "W504",
                "'amount' is declared decimal(10,2) but on Redshift p.member_id / 2",
            )
        ],
    ),
    (  # round 54 (array_struct_literal_accepted): `[v][1]` read NULL; `{{ v }}` became STRUCT(...)
        "E409",
        [
            replace("models/fact_purchase.sql", "       p.amount,\n", "       [p.amount][1] AS amount,\n"),
            replace("models/fact_purchase.yml", 'condition: "amount > 0"', 'condition: "{{ amount }} > 0"'),
        ],
        [
            ("models/fact_purchase.sql", 3, 9, "E409", "Redshift has no array or struct literals"),
            ("models/fact_purchase.yml", 19, 62, "E409", "Redshift has no array or struct literals"),
        ],
    ),
    (
        "E409",
        [
            replace(
                "models/fact_purchase.sql",
                "       p.purchased_at\n",
                "       MAKE_DATE(2024, 1, OCTET_LENGTH(p.amount, 2)) + GETDATE() - GETDATE() AS purchased_at\n",
            )
        ],
        [
            ("models/fact_purchase.sql", 4, 8, "E409", "Redshift has no function MAKE_DATE"),
            ("models/fact_purchase.sql", 4, 27, "E409", "OCTET_LENGTH takes 1 argument, not 2"),
            ("models/fact_purchase.sql", 4, 56, "E409", "GETDATE depends on when the model runs"),
            ("models/fact_purchase.sql", 4, 68, "E409", "GETDATE depends on when the model runs"),
        ],
    ),
    (
        "E409",
        [
            replace(
                "models/fact_purchase.sql",
                "       p.amount,",
                "       SUM(p.amount) FILTER (WHERE p.amount > 0) OVER () AS amount,",
            ),
            replace(
                "models/fact_purchase.sql",
                "LEFT JOIN dim_member AS d",
                "CROSS JOIN LATERAL (SELECT 1 AS one WHERE p.amount > 0) AS l\nLEFT JOIN dim_member AS d",
            ),
            replace(
                "models/fact_purchase.sql",
                "SELECT p.purchase_id,",
                "SELECT SPLIT_PART(p.purchase_id, '-', -1) AS purchase_id,",
            ),
            replace(
                "models/fact_purchase.sql",
                "       p.purchased_at\n",
                "       p.purchased_at + (COUNT(*) OVER (ORDER BY p.amount) - MIN(p.amount) OVER (ORDER BY p.amount "
                "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) * INTERVAL '0 day' AS purchased_at\n",
            ),
        ],
        [
            ("models/fact_purchase.sql", 1, 8, "E409", "Redshift's SPLIT_PART counts parts from 1"),
            ("models/fact_purchase.sql", 3, 8, "E409", "Redshift has no FILTER (WHERE …) clause on an aggregate"),
            ("models/fact_purchase.sql", 4, 26, "E409", "Redshift needs a frame clause for an ordered COUNT window"),
            ("models/fact_purchase.sql", 4, 62, "E409", "Redshift's window frames are ROWS only, not RANGE"),
            ("models/fact_purchase.sql", 6, 28, "E409", "Redshift has no LATERAL subqueries"),
        ],
    ),
    (  # round 54 (implicit_double_to_decimal): stored 1.00 on DuckDB, 1.01 on PostgreSQL
        "E410",
        [
            replace(
                "models/fact_purchase.sql",
                "       p.amount,\n",
                "       CAST(p.amount AS DOUBLE PRECISION) / 3 AS amount,\n",
            )
        ],
        [("models/fact_purchase.sql", 3, 13, "E410", "'amount' is declared decimal(10,2): CAST of a DOUBLE PRECISION")],
    ),
    (
        "E410",
        [
            replace(
                "models/fact_purchase.sql",
                "       p.purchased_at\n",
                "       DATEADD(day, DATEDIFF(week, p.purchased_at, p.purchased_at), p.purchased_at) AS purchased_at\n",
            )
        ],
        [("models/fact_purchase.sql", 4, 21, "E410", "DATEDIFF(week")],
    ),
    (
        "E410",
        [
            replace(
                "models/fact_purchase.sql",
                "       p.amount,\n",
                "       CAST(CAST(p.amount AS FLOAT) AS DECIMAL(10, 2)) AS amount,\n",
            )
        ],
        # a CAST(… AS …) has no position of its own: the finding points at the value cast
        [("models/fact_purchase.sql", 3, 18, "E410", "CAST of a DOUBLE PRECISION AS DECIMAL(10, 2)")],
    ),
    (
        "E411",
        [
            replace(
                "models/dim_member.yml", "LOWER(tier) AS tier,", "LOWER(tier) || pg_read_file('/etc/hostname') AS tier,"
            )
        ],
        [("models/dim_member.yml", 28, 25, "E411", "function 'pg_read_file' reads outside the pipeline's specs")],
    ),
    (
        "E411",
        [replace("models/fact_purchase.sql", "FROM purchases AS p", "FROM purchases AS p CROSS JOIN elt.file_ledger")],
        [("models/fact_purchase.sql", 5, 32, "E411", "'elt.file_ledger' reads outside the pipeline's specs")],
    ),
    (
        "E411",
        [
            replace(
                "models/fact_purchase.sql",
                "FROM purchases AS p",
                "FROM purchases AS p WHERE EXISTS (SELECT 1 FROM information_schema.tables)",
            )
        ],
        [("models/fact_purchase.sql", 5, 49, "E411", "'information_schema.tables' reads outside the pipeline's specs")],
    ),
    (
        "E411",
        [replace("models/fact_purchase.sql", "FROM purchases AS p", "FROM staging.purchases AS p")],
        [("models/fact_purchase.sql", 5, 6, "E411", "tables are named by spec, without a schema. Write 'purchases'")],
    ),
    (
        "E411",
        [replace("models/fact_purchase.sql", "FROM purchases AS p", "FROM purchases AS p, read_csv('/etc/passwd')")],
        [("models/fact_purchase.sql", 5, 22, "E411", "table function 'read_csv' reads outside the pipeline's specs")],
    ),
    (
        "E411",
        [
            replace(
                "models/fact_purchase.yml",
                'condition: "amount > 0"',
                "condition: \"EXISTS (SELECT * FROM read_text('/etc/hostname'))\"",
            )
        ],
        [("models/fact_purchase.yml", 19, 81, "E411", "checks[2].condition: table function 'read_text' reads outside")],
    ),
    (
        "E412",
        [replace("models/fact_purchase.yml", 'condition: "amount > 0"', 'condition: "amout > 0"')],
        [("models/fact_purchase.yml", 19, 59, "E412", "condition: unknown column 'amout'. Did you mean 'amount'?")],
    ),
    (
        "E412",
        [
            replace(
                "models/fact_purchase.yml",
                'condition: "amount > 0"',
                'condition: "amount >= 0; DROP TABLE staging.orders"',
            )
        ],
        [("models/fact_purchase.yml", 19, 72, "E412", "must be one expression, found 2 statements")],
    ),
    (
        "E412",
        [replace("models/fact_purchase.yml", 'condition: "amount > 0"', 'condition: "SELECT 1"')],
        [("models/fact_purchase.yml", 19, 59, "E412", "must be one boolean expression, found a SELECT query")],
    ),
    (
        "E412",
        [
            replace(
                "models/fact_purchase.yml",
                'condition: "amount > 0"',
                'condition: "EXISTS (SELECT 1 FROM members)"',
            )
        ],
        [
            (
                "models/fact_purchase.yml",
                19,
                81,
                "E412",
                "the check condition reads 'members', which is not in depends_on",
            )
        ],
    ),
    (
        "E412",
        [replace("models/fact_purchase.yml", 'condition: "amount > 0"', 'condition: "amount"')],
        [("models/fact_purchase.yml", 19, 59, "E412", "must be a boolean expression, this one is DECIMAL(10, 2)")],
    ),
    (
        "E413",
        [
            replace(
                "models/fact_purchase.sql",
                " AND p.purchased_at < d.valid_to",
                " AND p.purchased_at < d.valid_to\nWHERE p._batch_date = (SELECT MAX(_batch_date) FROM purchases)",
            )
        ],
        [("models/fact_purchase.sql", 10, 31, "E413", "picks the latest batch loaded (MAX(_batch_date))")],
    ),
    (  # round 54 (cte_shadows_scope_table): a CTE named like the scope table deleted rows
        "E414",
        [
            replace("models/fact_purchase.sql", "FROM purchases AS p\n", "FROM (SELECT * FROM purchases) AS __p\n"),
            replace("models/fact_purchase.sql", "p.", "__p."),
        ],
        [
            (
                "models/fact_purchase.sql",
                5,
                35,
                "E414",
                "table alias '__p': names starting with '__' are the framework's",
            )
        ],
    ),
    (  # round 54 (source_col_named_like_internal): a column `__rn` stood in for the load's own
        "E414",
        [
            replace(
                "sources/members.yml",
                "  - {name: city, type: string}\n",
                "  - {name: city, type: string}\n  - {name: __rn, type: string}\n",
            )
        ],
        [("sources/members.yml", 14, 12, "E414", "column '__rn': names starting with '__' are the framework's")],
    ),
    (
        "W501",
        [
            write(
                "sources/returns.yml",
                "version: 1\nkind: source\nname: returns\n"
                "landing: {path: returns.csv, format: csv}\ncolumns: [{name: id, type: string, nullable: false}]\n"
                "primary_key: [id]\nload_mode: append\n",
            )
        ],
        [("sources/returns.yml", 3, 7, "W501", "source 'returns' is not used by any model")],
    ),
    (
        "W502",
        [write("models/extra.yml", EXTRA_OK.replace("tests: [not_null]", "description: a count"))],
        [("models/extra.yml", 3, 7, "W502", "mart model 'extra' declares no checks")],
    ),
    (
        "W503",
        [replace("models/fact_purchase.sql", "  ON d.member_id = p.member_id\n AND", "  ON")],
        [
            (
                "models/fact_purchase.yml",
                9,
                18,
                "W503",
                "every build rebuilds the whole table: the join of dim_member AS d has no column equality",
            )
        ],
    ),
    (
        "W505",
        [
            replace(
                "models/fact_purchase.yml",
                "incremental: {strategy: delete_insert}",
                "incremental: {strategy: time_range, time_column: purchased_at, keys_from: {purchases: purchase_id}}",
            )
        ],
        [("models/fact_purchase.yml", 7, 64, "W505", "keys_from has no effect on a time_range model")],
    ),
    (  # adversarial round 23: SQL that writes, inside a query, is no model SQL
        "E402",
        [
            replace(
                "models/fact_purchase.sql", "       p.purchased_at\nFROM", "       p.purchased_at\nINTO copy_of\nFROM"
            )
        ],
        [("models/fact_purchase.sql", 5, 6, "E402", "one SELECT query that only reads, found SELECT … INTO inside it")],
    ),
    (
        "E402",
        [
            replace(
                "models/fact_purchase.sql",
                "SELECT p.purchase_id,",
                "WITH gone AS (DELETE FROM purchases RETURNING *)\nSELECT p.purchase_id,",
            )
        ],
        [("models/fact_purchase.sql", 1, 27, "E402", "found a DELETE statement inside it")],
    ),
    (
        "E412",
        [replace("models/fact_purchase.yml", 'condition: "amount > 0"', 'condition: "SUM(amount) > 0"')],
        [("models/fact_purchase.yml", 19, 59, "E412", "tested row by row, and the aggregate SUM reads many rows")],
    ),
    (
        "E410",
        [replace("models/fact_purchase.sql", "FROM purchases AS p", "FROM purchases AS p TABLESAMPLE BERNOULLI (50)")],
        [("models/fact_purchase.sql", 5, 44, "E410", "TABLESAMPLE reads a random subset")],
    ),
    (  # adversarial round 23: every SELECT of a set operation is held to the declared columns
        "E406",
        [
            replace(
                "models/fact_purchase.sql",
                " AND p.purchased_at < d.valid_to",
                " AND p.purchased_at < d.valid_to\nUNION ALL\nSELECT p.purchase_id, NULL, p.amount FROM purchases AS p",
            )
        ],
        [("models/fact_purchase.sql", 11, 8, "E406", "part 2 of the set operation returns 3 column(s)")],
    ),
    (
        "E406",
        [
            replace(
                "models/fact_purchase.sql",
                " AND p.purchased_at < d.valid_to",
                " AND p.purchased_at < d.valid_to\nUNION ALL\n"
                "SELECT p.purchase_id, NULL, p.purchased_at, p.purchased_at FROM purchases AS p",
            )
        ],
        [
            (
                "models/fact_purchase.sql",
                11,
                29,
                "E406",
                "'amount' is declared decimal(10,2) but the SELECT gives TIMESTAMP",
            )
        ],
    ),
    (  # a core tag written out is a tag too
        "E005",
        [replace("sources/purchases.yml", "load_mode: append", "load_mode: !!str append")],
        [("sources/purchases.yml", 11, 12, "E005", "YAML tag '!!str' is not allowed")],
    ),
    (  # round 54 (anchor_without_alias): an anchor no alias used passed
        "E005",
        [replace("sources/purchases.yml", "load_mode: append", "load_mode: &mode append")],
        [("sources/purchases.yml", 11, 12, "E005", "anchor '&mode': anchors and aliases are not supported")],
    ),
    (
        "E212",
        [
            replace(
                "pipeline.yml",
                "default_target: dev",
                "default_target: dev\nschemas: {staging: staging, dimension: pg_catalog, fact: dwh, mart: mart, internal: elt}",
            )
        ],
        [("pipeline.yml", 11, 40, "E212", "schema 'pg_catalog' of layer 'dimension' is a warehouse's own")],
    ),
    (
        "E404",
        [
            replace("models/fact_purchase.sql", "       p.amount,", "       p.AMOUNT,"),
            replace("sources/purchases.yml", "name: amount,", "name: Amount,"),
        ],
        [("models/fact_purchase.sql", 3, 8, "E404", "An unquoted name is read in lower case, as Redshift does")],
    ),
    (
        "E402",
        [write("models/fact_purchase.sql", "EXPLAIN SELECT 1\n")],
        [("models/fact_purchase.sql", 1, 1, "E402", "found a statement that is no query")],
    ),
    (
        "E217",
        [
            replace(
                "sources/members.yml",
                'csv: {delimiter: ";", header: true}',
                'csv: {delimiter: ";", quote: ";", header: true}',
            )
        ],
        [("sources/members.yml", 8, 32, "E217", "the CSV quote is the delimiter (';')")],
    ),
    (  # DuckDB refused the file ("DELIMITER must not appear in the NULL specification"), round 32
        "E217",
        [
            replace(
                "sources/members.yml",
                'csv: {delimiter: ";", header: true}',
                'csv: {delimiter: ";", header: true, null_markers: ["", "n;a"]}',
            )
        ],
        [("sources/members.yml", 8, 58, "E217", "the null marker 'n;a' holds the delimiter (';')")],
    ),
    (
        "E218",
        [
            replace(
                "sources/members.yml",
                "{name: updated_at, type: timestamp, nullable: false}",
                '{name: updated_at, type: timestamp, nullable: false, format: "%d/%m/%Y %H:%M%z"}',
            ),
            replace("sources/members.yml", "{name: tier, type: string}", '{name: tier, type: string, format: "%Y"}'),
            replace(
                "sources/members.yml",
                "primary_key: [member_id]",
                '  - {name: joined_on, type: date, format: "%s"}\nprimary_key: [member_id]',
            ),
        ],
        [
            ("sources/members.yml", 12, 40, "E218", "a `format` reads a date or time; column 'tier' is string"),
            ("sources/members.yml", 14, 66, "E218", "reads a UTC offset or time zone, which a timestamp column"),
            ("sources/members.yml", 15, 43, "E218", "format '%s': %s is no specifier ingest's reader takes"),
        ],
    ),
]


def apply(root, edits):
    for op, rel, *args in edits:
        target = root / rel
        if op == "write":
            target.parent.mkdir(parents=True, exist_ok=True)
            data = args[0]
            target.write_bytes(data if isinstance(data, bytes) else data.encode())
        else:
            old, new = args
            text = target.read_text()
            assert old in text, f"fixture changed: {old!r} not in {rel}"
            target.write_text(text.replace(old, new, 1))


def test_fixture_is_clean(tiny):
    assert lint(tiny) == []


@pytest.mark.parametrize("code,edits,expected", CASES, ids=[c[0] for c in CASES])
def test_rule(tiny, code, edits, expected):
    apply(tiny, edits)
    found = lint(tiny)
    got = [(d.path.removeprefix("./"), d.line, d.col, d.code) for d in found]
    want = [(p.removeprefix("./"), line, col, c) for p, line, col, c, _ in expected]
    assert got == want, "\n".join(d.format() for d in found)
    for diagnostic, (*_, fragment) in zip(found, expected):
        assert fragment in diagnostic.format(), diagnostic.format()


def test_every_rule_has_a_case():
    assert {code for code, *_ in CASES} == {rule.code for rule in RULES}


def test_models_that_check_each_other_are_a_cycle(tiny):
    """Checks run before their model is published, after everything they read (write-audit-
    publish): a relationships check back to a downstream model can never run."""
    spec = tiny / "models" / "dim_member.yml"
    spec.write_text(
        spec.read_text() + "checks:\n  - {type: relationships, column: member_sk, to: fact_purchase.member_sk}\n"
    )
    found = [d for d in lint(tiny) if d.code == "E302"]
    assert len(found) == 1, [d.format() for d in found]
    assert found[0].path.endswith("models/dim_member.yml") and found[0].line == 34
    assert "through a relationships check: dim_member -> fact_purchase -> dim_member" in found[0].message


def test_a_check_cycle_is_reported_once_at_the_check(tiny):
    """fact_purchase reads dim_member; dim_member's check reads fact_purchase: one diagnostic, at
    the check that closes the loop (not at a depends_on)."""
    spec = tiny / "models" / "fact_purchase.yml"
    spec.write_text(
        spec.read_text().replace(
            "  - {type: relationships, column: member_sk, to: dim_member.member_sk, severity: warn}\n", ""
        )
    )
    dim = tiny / "models" / "dim_member.yml"
    dim.write_text(
        dim.read_text() + "checks:\n  - {type: relationships, column: member_sk, to: fact_purchase.member_sk}\n"
    )
    found = [d for d in lint(tiny) if d.code == "E302"]
    assert [(d.path.removeprefix("./"), d.line) for d in found] == [("models/dim_member.yml", 34)]


def test_a_model_reads_the_build_counter_of_a_model_table_but_does_not_declare_it(tiny):
    """Every model table has `_build_seq` (the build that last wrote the row): a model reading
    one may select it; a model table declaring it would have it twice."""
    reader = EXTRA_OK.replace("COUNT(*) AS n", "MAX(fact_purchase._build_seq) AS n")
    (tiny / "models" / "extra.yml").write_text(reader)
    assert lint(tiny) == []
    spec = tiny / "models" / "fact_purchase.yml"
    spec.write_text(spec.read_text().replace("columns:\n", "columns:\n  - {name: _build_seq, type: bigint}\n", 1))
    found = [d for d in lint(tiny) if d.code == "E202"]
    assert [(d.path.removeprefix("./"), d.line) for d in found] == [("models/fact_purchase.yml", 11)], found
    assert "duplicate column '_build_seq' (the framework's" in found[0].message


@pytest.mark.parametrize(
    "select, reason, hint",
    [
        (
            "SELECT p.purchase_id || '-x' AS purchase_id, d.member_sk, p.amount, p.purchased_at",
            "no key column is a plain column of an input (purchase_id)",
            "compute it upstream",
        ),
        (None, "a branch of the SELECT's set operation (UNION, …) has no key column", "in every branch"),
    ],
    ids=["computed key", "union"],
)
def test_w503_says_why_no_key_can_be_traced(tiny, select, reason, hint):
    """A key no input column holds (computed), or a UNION at the top: every build is whole, and
    lint says so — with what would help (a UNION's inputs can declare their key column)."""
    sql = tiny / "models" / "fact_purchase.sql"
    text = sql.read_text()
    if select is None:  # the second branch computes its key
        sql.write_text(
            f"{text}\nUNION ALL\n{text.replace('SELECT p.purchase_id,', 'SELECT p.purchase_id || ' + repr('-r') + ',')}"
        )
    else:
        first = text.split("\n", 4)
        sql.write_text(select + "\n" + first[4])
    warning = only_w503(tiny)
    assert reason in warning.message and hint in warning.hint, warning.format()
    assert warning.path.endswith("models/fact_purchase.yml") and (warning.line, warning.col) == (9, 18)


def test_w503_names_a_view_input_whose_changes_are_not_recorded(tiny):
    (tiny / "models" / "v_big.yml").write_text(
        "version: 1\nkind: model\nname: v_big\nlayer: mart\nmaterialization: view\ndepends_on: [purchases]\n"
        "keys: {business: [purchase_id]}\ncolumns:\n  - {name: purchase_id, type: string, nullable: false, tests: [unique]}\n"
        "  - {name: member_id, type: bigint, nullable: false}\n"
        "sql: SELECT p.purchase_id, p.member_id FROM purchases p WHERE p.amount > 100\n"
    )
    (tiny / "models" / "big_buyers.yml").write_text(
        "version: 1\nkind: model\nname: big_buyers\nlayer: mart\nmaterialization: incremental\n"
        "incremental: {strategy: merge}\ndepends_on: [v_big]\nkeys: {business: [member_id]}\n"
        "columns:\n  - {name: member_id, type: bigint, nullable: false, tests: [unique]}\n"
        "  - {name: n, type: bigint, nullable: false}\n"
        "sql: SELECT v.member_id, COUNT(*) AS n FROM v_big v GROUP BY v.member_id\n"
    )
    warning = only_w503(tiny)
    assert warning.path.endswith("models/big_buyers.yml") and warning.key_path == "depends_on[0]", warning.format()
    assert "'v_big' is a view" in warning.message and "make it a table or incremental model" in warning.hint


def test_a_cte_named_like_the_input_it_reads_reads_the_input(tiny):
    """`WITH purchases AS (SELECT … FROM purchases …)`: inside its own body a CTE's name still
    names the table (standard SQL, every target); after it, the CTE. Lint reads it so, and the
    compiled SQL reads the staging table there."""
    from framework.compile import compile_project
    from framework.spec.project import load_project

    sql = tiny / "models" / "fact_purchase.sql"
    body = "SELECT p.purchase_id, p.member_id, p.amount, p.purchased_at FROM purchases AS p WHERE p.amount > 0"
    sql.write_text(f"WITH purchases AS ({body})\n" + sql.read_text())
    assert lint(tiny) == []
    project, _ = load_project(str(tiny))
    build = next(s for s in compile_project(project, "duckdb").steps if s.id == "build:fact_purchase")
    staged = next(s.sql for s in build.statements if s.sql.startswith("CREATE TEMPORARY TABLE __src"))
    assert "WITH purchases AS (SELECT" in staged and "FROM staging.purchases AS p WHERE" in staged, staged


def test_not_in_over_a_subquery_rebuilds_whole_and_lint_says_to_write_not_exists(tiny):
    """Adversarial round 8 (keys_from_not_in_null): W503's hint led to declaring keys_from for a
    NOT IN, whose one NULL in the subquery empties the result for every key — the declared path
    rebuilt 0 keys and kept stale rows. NOT IN over a subquery is no key path, declared or not."""
    from framework.spec.project import load_project
    from framework.sql.lineage import NOT_IN, model_key_scope

    (tiny / "models" / "lapsed.yml").write_text(
        "version: 1\nkind: model\nname: lapsed\nlayer: mart\nmaterialization: incremental\n"
        "incremental: {strategy: merge, keys_from: {purchases: member_id}}\ndepends_on: [members, purchases]\n"
        "keys: {business: [member_id]}\ncolumns:\n  - {name: member_id, type: bigint, nullable: false, tests: [unique]}\n"
        "sql: SELECT m.member_id FROM members m WHERE m.member_id NOT IN (SELECT p.member_id FROM purchases p)\n"
    )
    warning = only_w503(tiny)
    assert warning.path.endswith("models/lapsed.yml") and NOT_IN in warning.message, warning.format()
    assert "NOT EXISTS" in warning.hint and "keys_from cannot help" in warning.hint, warning.hint
    project, _ = load_project(str(tiny))
    spec = project.require("lapsed")
    import sqlglot

    scope = model_key_scope(spec, sqlglot.parse_one(spec.sql.text, read="redshift"))
    assert scope is not None and scope.unsound.startswith(NOT_IN) and not scope.paths  # whole builds


def test_w503_names_a_table_input_without_keys_whose_changes_are_not_recorded(tiny):
    """Adversarial round 8 (lint_silent_w503_keyless_table): `elt run` rebuilt such a model whole
    on every build citing W503, while `elt lint` reported nothing."""
    (tiny / "models" / "purchase_list.yml").write_text(
        "version: 1\nkind: model\nname: purchase_list\nlayer: fact\nmaterialization: table\ndepends_on: [purchases]\n"
        "columns:\n  - {name: purchase_id, type: string, nullable: false}\n"
        "  - {name: member_id, type: bigint, nullable: false}\n"
        "sql: SELECT p.purchase_id, p.member_id FROM purchases p\nchecks: [{type: min_row_count, min: 0}]\n"
    )
    (tiny / "models" / "member_counts.yml").write_text(
        "version: 1\nkind: model\nname: member_counts\nlayer: mart\nmaterialization: incremental\n"
        "incremental: {strategy: merge}\ndepends_on: [purchase_list]\nkeys: {business: [member_id]}\n"
        "columns:\n  - {name: member_id, type: bigint, nullable: false, tests: [unique]}\n"
        "  - {name: n, type: bigint, nullable: false}\n"
        "sql: SELECT l.member_id, COUNT(*) AS n FROM purchase_list l GROUP BY l.member_id\n"
    )
    warning = only_w503(tiny)
    assert warning.path.endswith("models/member_counts.yml") and warning.key_path == "depends_on[0]", warning.format()
    assert "'purchase_list' is a table model without keys.business" in warning.message
    assert "Declare keys.business on 'purchase_list'" in warning.hint


@pytest.mark.parametrize(
    "where, refused",
    [
        ("p._batch_date = (SELECT MAX(q._batch_date) FROM purchases q)", True),
        ("p._batch_date IN (SELECT MAX(q._batch_date) FROM purchases q)", True),
        ("p._batch_date = (SELECT d FROM (SELECT MAX(_batch_date) AS d FROM purchases) x)", True),
        ("NOT EXISTS (SELECT 1 FROM purchases q WHERE q._batch_date > p._batch_date)", True),
        ("p._batch_date = (SELECT MAX(q._batch_date) FROM purchases q WHERE q.member_id = p.member_id)", False),
        ("p._batch_date >= CAST('2024-01-01' AS DATE)", False),
    ],
    ids=["scalar max", "in max", "nested max", "no later batch", "per member (correlated)", "constant"],
)
def test_e413_refuses_the_latest_batch_over_all_rows_and_allows_it_per_key(tiny, where, refused):
    """Adversarial round 9 (e413_evasion_time_range, e413_false_positive_correlated): the forms a
    latest-batch filter takes, and the per-key form (correlated by the key) that stays allowed."""
    sql = tiny / "models" / "fact_purchase.sql"
    sql.write_text(sql.read_text().rstrip("\n") + f"\nWHERE {where}\n")
    codes = [d.code for d in lint(tiny)]
    assert ("E413" in codes) is refused, [d.format() for d in lint(tiny)]


def test_e413_refuses_a_window_over_every_batch(tiny):
    (tiny / "models" / "latest.yml").write_text(
        "version: 1\nkind: model\nname: latest\nlayer: mart\nmaterialization: incremental\n"
        "incremental: {strategy: merge}\ndepends_on: [purchases]\nkeys: {business: [purchase_id]}\n"
        "columns:\n  - {name: purchase_id, type: string, nullable: false, tests: [unique]}\n"
        "sql: >-\n  SELECT t.purchase_id FROM (SELECT p.purchase_id, DENSE_RANK() OVER (ORDER BY p._batch_date DESC) AS r\n"
        "  FROM purchases p) t WHERE t.r = 1\n"
    )
    assert "E413" in [d.code for d in lint(tiny)]


def test_w503_with_a_composite_key_names_the_column_builds_are_scoped_by(tiny):
    """Adversarial round 10 (low): a composite key's builds are scoped by one of its columns, and
    an input whose only path reaches another one gets W503 — which named the whole key, as if no
    path reached any of its columns."""
    (tiny / "models" / "member_tiers.yml").write_text(
        "version: 1\nkind: model\nname: member_tiers\nlayer: mart\nmaterialization: incremental\n"
        "incremental: {strategy: merge}\ndepends_on: [purchases, members]\nkeys: {business: [member_id, tier]}\n"
        "columns:\n  - {name: member_id, type: bigint, nullable: false}\n"
        "  - {name: tier, type: string, nullable: false}\n  - {name: n, type: bigint, nullable: false}\n"
        "sql: SELECT p.member_id, t.tier, COUNT(*) AS n FROM purchases p\n"
        "  JOIN (SELECT DISTINCT m.tier FROM members m) t ON t.tier = CAST(p.amount AS VARCHAR)\n"
        "  GROUP BY p.member_id, t.tier\n"
    )
    (warning,) = [d for d in lint(tiny) if d.code == "W503" and d.path.endswith("member_tiers.yml")]
    assert warning.key_path == "depends_on[1]", warning.format()
    assert "no key path from 'members' to 'member_id', the column of the key (member_id, tier)" in warning.message
    assert "Join 'members' to 'member_id'" in warning.hint, warning.hint


@pytest.mark.parametrize("load_mode, refused", [("append", False), ("upsert", True)])
def test_e413_refuses_a_time_range_filter_on_the_batch_of_a_source_that_rewrites_rows(tiny, load_mode, refused):
    """Adversarial round 13 (timerange_batchdate_constant): over an upsert source a row sent again
    takes the later batch's `_batch_date`, leaves a constant filter, and the day it leaves is never
    returned — so a time_range build never replaced it (batched 1 row, one load 0). An append
    source's rows keep their batch: the same filter is stable there."""
    source = tiny / "sources" / "purchases.yml"
    source.write_text(source.read_text().replace("load_mode: append", f"load_mode: {load_mode}"))
    (tiny / "models" / "daily_purchases.yml").write_text(
        "version: 1\nkind: model\nname: daily_purchases\nlayer: mart\nmaterialization: incremental\n"
        "incremental: {strategy: time_range, time_column: day}\ndepends_on: [purchases]\n"
        "columns:\n  - {name: day, type: date, nullable: false}\n  - {name: n, type: bigint, nullable: false}\n"
        "sql: |\n  SELECT CAST(purchased_at AS DATE) AS day, COUNT(*) AS n FROM purchases\n"
        "  WHERE _batch_date <= CAST('2024-03-01' AS DATE) GROUP BY CAST(purchased_at AS DATE)\n"
        "checks: [{type: min_row_count, min: 0}]\n"
    )
    found = [d for d in lint(tiny) if d.code == "E413"]
    assert bool(found) == refused, [d.format() for d in found]
    if refused:
        assert found[0].path.endswith("daily_purchases.yml") and (found[0].line, found[0].col) == (13, 9), found[
            0
        ].format()
        assert "purchases._batch_date of 'purchases', an upsert source" in found[0].message


def test_columns_differing_only_by_case_are_one_column(tiny):
    """Adversarial round 14 (case_colliding_columns): `Label` and `label` passed lint, then
    ingest and run failed with DuckDB's errors; every warehouse folds an unquoted name's case."""
    source = tiny / "sources" / "purchases.yml"
    source.write_text(source.read_text().replace("columns:\n", "columns:\n  - {name: Amount, type: string}\n", 1))
    (found,) = [d for d in lint(tiny) if d.code == "E202"]
    assert found.path.endswith("sources/purchases.yml") and "duplicate column 'amount'" in found.message, found.format()
    assert "'Amount': warehouses do not tell names apart by case" in found.message


def test_a_spec_whose_table_would_be_a_framework_table_is_refused(tiny):
    """Adversarial round 14 (internal_table_clobbered): a layer mapped to the internal schema and a
    model named run_log passed lint; its build recreated elt.run_log as the model's table."""
    from framework.compile.naming import INTERNAL_TABLES
    from framework.spec.model import FRAMEWORK_TABLES

    assert {t.name for t in INTERNAL_TABLES} == set(FRAMEWORK_TABLES)
    pipeline = tiny / "pipeline.yml"
    pipeline.write_text(pipeline.read_text() + "schemas: {dimension: elt}\n")
    (tiny / "models" / "run_log.yml").write_text(
        (tiny / "models" / "dim_member.yml").read_text().replace("name: dim_member", "name: run_log")
    )
    found = [d for d in lint(tiny) if d.code == "E205"]
    assert [d.path.rsplit("/", 1)[-1] for d in found] == ["run_log.yml"], [d.format() for d in found]
    assert "its table elt.run_log is the framework's own" in found[0].message


def test_an_accepted_value_the_column_cannot_hold_is_refused_at_its_position(tiny):
    """Adversarial round 14 (accepted_values_type): `values: [1, two]` on an integer column passed
    lint; the build then failed on DuckDB's conversion error, quoting the generated SQL."""
    spec = tiny / "models" / "fact_purchase.yml"
    spec.write_text(
        spec.read_text()
        + "  - {type: accepted_values, column: amount, values: [1.5, '2', ten]}\n"
        + "  - {type: accepted_values, column: purchase_id, values: [p1, 7]}\n"
    )
    found = [d for d in lint(tiny) if d.code == "E306"]
    assert [(d.key_path, d.message.split(":")[0]) for d in found] == [
        ("checks[4].values[2]", "accepted value 'ten' is not a number"),
        ("checks[5].values[1]", "accepted value 7 is not a string"),
    ], [d.format() for d in found]


def test_w503_says_keys_from_cannot_help_an_input_read_again_across_keys(tiny):
    """Adversarial round 18 (keys_from_second_read): purchases read as the key's rows and again in
    a count per day joined back by an expression. W503 offered keys_from; declared, it scoped the
    builds and left the day's other purchases with the old count. Now W503 says the declaration
    cannot help, and that the one declared is not used."""
    (tiny / "models" / "daily_share.yml").write_text(
        "version: 1\nkind: model\nname: daily_share\nlayer: mart\nmaterialization: incremental\n"
        "incremental: {strategy: merge, keys_from: {purchases: purchase_id}}\ndepends_on: [purchases]\n"
        "keys: {business: [purchase_id]}\ncolumns:\n  - {name: purchase_id, type: string, nullable: false}\n"
        "  - {name: n, type: bigint, nullable: false}\n"
        "sql: >-\n  WITH d AS (SELECT CAST(p2.purchased_at AS DATE) AS day, COUNT(*) AS n FROM purchases p2\n"
        "  GROUP BY CAST(p2.purchased_at AS DATE))\n"
        "  SELECT p.purchase_id, d.n FROM purchases p JOIN d ON d.day = CAST(p.purchased_at AS DATE)\n"
    )
    warning = only_w503(tiny)
    assert warning.path.endswith("models/daily_share.yml") and warning.key_path == "depends_on[0]", warning.format()
    assert "'purchases' is read again where no key path reaches the key (purchase_id)" in warning.message
    assert "keys_from cannot help here" in warning.hint and "the one declared is not used" in warning.hint


def test_two_pipelines_linted_together_may_not_share_a_name(tmp_path):
    """Adversarial round 17 (dup_pipeline_name): two folders whose pipeline.yml say `name: shop`
    linted clean, and Airflow kept one DAG of the two."""
    import shutil

    from framework.lint import lint_paths
    from tests.conftest import FIXTURES

    for folder in ("shop_a", "shop_b"):
        shutil.copytree(FIXTURES / "tiny_shop", tmp_path / "pipelines" / folder)
    result, missing = lint_paths([str(tmp_path / "pipelines")])
    assert missing == [] and len(result.projects) == 2
    (clash,) = [d for d in result.diagnostics if d.code == "E213"]
    assert clash.path.endswith("shop_b/pipeline.yml") and clash.key_path == "name", clash.format()
    assert "pipeline name 'tiny_shop' is also the name of" in clash.message and "shop_a" in clash.message


@pytest.mark.parametrize("name", ["_source_line", "_Batch_Date", "_source_file", "_load_seq"])
def test_a_source_does_not_declare_a_column_the_framework_adds(tiny, name):
    """Adversarial round 20 (source_framework_column_name): a source column `_source_line` linted
    clean; ingest wrote a Parquet file with two of them, which no run could read again."""
    spec = tiny / "sources" / "members.yml"
    spec.write_text(spec.read_text().replace("columns:\n", f"columns:\n  - {{name: {name}, type: bigint}}\n", 1))
    found = [d for d in lint(tiny) if d.code == "E202"]
    assert [(d.path.removeprefix("./"), d.line) for d in found] == [("sources/members.yml", 10)], found
    assert f"duplicate column '{name}' (the framework's" in found[0].message


def test_unquoted_names_are_read_in_lower_case_as_redshift_reads_them(tiny):
    """Adversarial round 20 (unquoted_identifier_case): `SELECT P.PURCHASE_ID … FROM PURCHASES P`
    failed lint (E403/E404/E407) where Redshift folds unquoted names to lower case."""
    from framework.compile import compile_project
    from framework.spec.project import load_project

    sql = tiny / "models" / "fact_purchase.sql"
    text = sql.read_text()
    sql.write_text(text.replace("p.purchase_id", "P.PURCHASE_ID").replace("FROM purchases AS p", "FROM PURCHASES AS P"))
    assert lint(tiny) == []
    project, _ = load_project(str(tiny))
    build = next(s for s in compile_project(project, "duckdb").steps if s.id == "build:fact_purchase")
    assert any("p.purchase_id" in s.sql and "FROM staging.purchases AS p" in s.sql for s in build.statements)
    sql.write_text(text.replace("p.purchase_id", 'p."PURCHASE_ID"'))  # quoted: its case is kept
    assert [d.code for d in lint(tiny)] == ["E404"]


def test_allow_empty_snapshot_on_a_source_that_is_no_snapshot_does_nothing_and_lint_says_so(tiny):
    apply(
        tiny, [replace("sources/purchases.yml", "load_mode: append", "load_mode: append\nallow_empty_snapshot: true")]
    )
    (found,) = lint(tiny)
    assert (found.code, found.line) == ("W505", 12), found.format()
    assert "allow_empty_snapshot has no effect on an append source" in found.format()


def test_csv_options_on_a_parquet_source_do_nothing_and_lint_says_so(tiny):
    """Adversarial round 42 (csv_options_on_parquet_source): `null_markers` and `encoding` under
    `landing.csv` of a parquet source were accepted without a word."""
    text = (tiny / "sources" / "purchases.yml").read_text()
    landing = next(line for line in text.splitlines() if line.startswith("landing:"))
    parquet = "landing: {path: purchases_*.parquet, format: parquet, csv: {null_markers: ['NA'], encoding: latin-1}}"
    apply(tiny, [replace("sources/purchases.yml", landing, parquet)])
    (found,) = lint(tiny)
    assert found.code == "W505" and found.line == text.splitlines().index(landing) + 1, found.format()
    assert "landing.csv has no effect on a parquet source" in found.format()


def test_a_keyword_function_is_positioned_where_it_is_written(tiny):
    """Adversarial round 42 (lint_current_date_unpositioned): CURRENT_DATE, SYSDATE and
    CURRENT_TIMESTAMP parse without a token position, and E410 said `file.sql:1:1`."""
    apply(
        tiny,
        [
            replace(
                "models/fact_purchase.sql",
                "       p.purchased_at\n",
                "       CASE WHEN p.purchased_at < CURRENT_DATE THEN p.purchased_at\n"
                "            WHEN p.purchased_at < sysdate THEN p.purchased_at END AS purchased_at\n",
            )
        ],
    )
    found = sorted((d.line, d.col, d.code) for d in lint(tiny))
    assert found == [(4, 35, "E410"), (5, 35, "E410")], [d.format() for d in lint(tiny)]


def test_an_integer_option_written_as_a_whole_float_is_that_integer(tiny):
    """Adversarial round 23: `threads: 2.0` passed the schema (JSON Schema's integer takes it) and
    ended lint with an internal error. It is read as 2."""
    from framework.spec.targets import declared_target

    apply(tiny, [replace("pipeline.yml", "    lake: lake", "    lake: lake\n    threads: 2.0")])
    assert lint(tiny) == []
    assert (
        declared_target("dev", {"type": "local", "database": "w.duckdb", "lake": "lake", "threads": 2.0}).threads == 2
    )


def test_a_comment_after_the_last_semicolon_is_no_second_statement(tiny, capsys):
    apply(
        tiny,
        [
            replace(
                "models/fact_purchase.sql",
                " AND p.purchased_at < d.valid_to",
                " AND p.purchased_at < d.valid_to; -- end",
            )
        ],
    )
    assert lint(tiny) == []
    apply(tiny, [write("models/fact_purchase.sql", "EXPLAIN SELECT 1\n")])
    lint(tiny)
    assert "Falling back" not in capsys.readouterr().err  # sqlglot's own words stay out of lint's output


@pytest.mark.parametrize("style", [">-", "plain", "'", '"'])
def test_a_folded_or_plain_condition_is_positioned_at_the_line_of_the_column(tiny, style):
    """Adversarial round 53 (lint_folded_scalar_position): YAML folds a `>` or plain scalar's line
    breaks into spaces, and E412 pointed at the scalar's first line, at a column past its end
    (and a quoted one's, round 55)."""
    header = {">-": "condition: >-\n      ", "plain": "condition:\n      "}.get(style, f"condition: {style}")
    end = style if style in ("'", '"') else ""
    apply(
        tiny,
        [
            replace(
                "models/fact_purchase.yml",
                '  - {type: expression, name: positive_amount, condition: "amount > 0"}\n',
                f"  - type: expression\n    name: positive_amount\n    {header}amount > 0\n      AND amout < 1000{end}\n",
            )
        ],
    )
    found = [(d.line, d.col, d.code) for d in lint(tiny)]
    assert found == [(22 if end else 23, 11, "E412")], [d.format() for d in lint(tiny)]


def test_a_folded_select_is_positioned_at_the_line_of_the_column(tiny):
    """The same for a model's SELECT written as a `>-` block."""
    apply(
        tiny,
        [
            write(
                "models/extra.yml",
                MODEL_HEAD + "depends_on: [fact_purchase]\ncolumns:\n  - {name: n, type: bigint, tests: [not_null]}\n"
                "sql: >-\n  SELECT\n    COUNT(*) AS n\n  FROM fact_purchase\n  WHERE amout > 0\n",
            )
        ],
    )
    found = [(d.path.rsplit("/", 1)[-1], d.line, d.col, d.code) for d in lint(tiny)]
    assert found == [("extra.yml", 12, 9, "E404")], [d.format() for d in lint(tiny)]


def test_an_unknown_field_inside_an_item_does_not_hide_the_specs_other_findings(tiny):
    """Adversarial round 53 (lint_unknown_field_hides_others): `nulable` on one column hid a bad
    type on another and another spec's reference to a column of it; each took a lint round."""
    apply(
        tiny,
        [
            replace("models/fact_purchase.yml", "{name: member_sk, type: string}", "{name: member_sk, type: varchar}"),
            replace(
                "models/fact_purchase.yml",
                "{name: purchased_at, type: timestamp, nullable: false}",
                "{name: purchased_at, type: timestamp, nulable: false}",
            ),
            write(
                "models/extra.yml",
                EXTRA_OK + "checks:\n  - {type: relationships, column: n, to: fact_purchase.purchase_ids}\n",
            ),
        ],
    )
    found = sorted((d.path.rsplit("/", 1)[-1], d.code) for d in lint(tiny))
    assert found == [("extra.yml", "E303"), ("fact_purchase.yml", "E101"), ("fact_purchase.yml", "E201")], [
        d.format() for d in lint(tiny)
    ]


def test_an_unknown_top_level_field_still_stops_the_spec(tiny):
    """A misspelt `depends_on` would drag follow-on errors along: the spec is not built."""
    apply(tiny, [replace("models/fact_purchase.yml", "depends_on:", "depend_on:")])
    assert [d.code for d in lint(tiny)] == ["E101"], [d.format() for d in lint(tiny)]


def test_an_unknown_field_in_a_column_test_does_not_hide_the_specs_other_findings(tiny):
    """Adversarial round 55 (lint_unknown_field_in_test_hides_findings): a test item is a name or
    a mapping (`anyOf`); its typo hid the spec's other findings."""
    apply(
        tiny,
        [
            write(
                "models/extra.yml",
                EXTRA_OK.replace("tests: [not_null]", "tests: [{type: not_null, sevrity: warn}]").replace(
                    "type: bigint", "type: bigint}\n  - {name: m, type: strin"
                ),
            )
        ],
    )
    found = sorted(d.code for d in lint(tiny) if d.path.endswith("extra.yml"))
    assert found == ["E101", "E201", "E406"], [d.format() for d in lint(tiny)]  # E406: `m` is not selected


def test_a_qualified_star_is_expanded_like_a_bare_one(tiny):
    """Adversarial round 55 (lint_qualified_star_e406): `SELECT s.* FROM …` was E406 "returns '*'"."""
    apply(
        tiny,
        [
            write(
                "models/extra.yml",
                MODEL_HEAD + "depends_on: [fact_purchase]\ncolumns:\n"
                "  - {name: purchase_id, type: string, tests: [not_null]}\n"
                "  - {name: member_sk, type: string}\n"
                "  - {name: amount, type: 'decimal(10,2)'}\n"
                "  - {name: purchased_at, type: timestamp}\n"
                "sql: SELECT p.* FROM fact_purchase p\n",
            )
        ],
    )
    assert [d.code for d in lint(tiny) if d.path.endswith("extra.yml")] == []


@pytest.mark.parametrize(
    "expression, refused",
    [
        ("DECODE(p.purchase_id, 'x', CAST(p.amount AS DOUBLE PRECISION), 0)", True),
        ("NVL2(p.member_id, CAST(p.amount AS DOUBLE PRECISION), 0)", True),
        ("LEAST(CAST(p.amount AS DOUBLE PRECISION), 5)", True),
        ("FLOOR(CAST(p.amount AS DOUBLE PRECISION))", False),  # a whole number: exact
        ("p.amount * 2", False),
    ],
)
def test_a_double_into_a_decimal_column_is_refused_however_it_is_chosen(tiny, expression, refused):
    """Adversarial round 55 (lint_e410_misses_decode_nvl2_least): sqlglot leaves DECODE, NVL2 and
    LEAST untyped, and their double passed into a decimal column."""
    apply(tiny, [replace("models/fact_purchase.sql", "       p.amount,\n", f"       {expression} AS amount,\n")])
    assert [d.code for d in lint(tiny)] == (["E410"] if refused else []), [d.format() for d in lint(tiny)]


def test_a_cte_column_list_names_its_columns(tiny):
    """Adversarial round 55 (lint_cte_column_list): `WITH c (a, b) AS (…)`, Redshift's WITH clause
    naming a CTE's columns, was E404 `unknown column 'c.a'`; a `__` name in the list is E414."""
    apply(
        tiny,
        [
            write(
                "models/extra.yml",
                MODEL_HEAD + "depends_on: [fact_purchase]\ncolumns:\n"
                "  - {name: pid, type: string, tests: [not_null]}\n"
                "sql: WITH c (pid, m) AS (SELECT purchase_id, member_sk FROM fact_purchase) SELECT c.pid FROM c\n",
            )
        ],
    )
    assert [d.code for d in lint(tiny)] == [], [d.format() for d in lint(tiny)]
    apply(tiny, [replace("models/extra.yml", "WITH c (pid, m)", "WITH c (pid, __m)")])
    assert [d.code for d in lint(tiny)] == ["E414"], [d.format() for d in lint(tiny)]


@pytest.mark.parametrize(
    "join, ambiguous",
    [
        ("JOIN members USING (member_id)", False),
        ("NATURAL JOIN (SELECT member_id FROM members) AS m", False),
        ("JOIN members ON members.member_id = purchases.member_id", True),
    ],
)
def test_a_column_a_join_merges_is_not_ambiguous(tiny, join, ambiguous):
    """Adversarial round 54 (using_join_false_ambiguous): `JOIN … USING (id)` merges `id` into one
    column on every engine; an unqualified `id` was E405."""
    sql = f"SELECT COUNT(DISTINCT member_id) AS n FROM purchases {join}"
    apply(
        tiny,
        [
            write(
                "models/extra.yml",
                EXTRA_OK.replace("fact_purchase]", "purchases, members]").replace(
                    "SELECT COUNT(*) AS n FROM fact_purchase", sql
                ),
            )
        ],
    )
    found = [d.code for d in lint(tiny) if d.path.endswith("extra.yml")]
    assert found == (["E405"] if ambiguous else []), [d.format() for d in lint(tiny)]
