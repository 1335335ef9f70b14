"""What an admin runs once on a new warehouse, before the pipeline's first run: the roles, the
schemas, and the privileges that let every writer identity build every table and the readers
read the published layers.

Why: Redshift Serverless maps each IAM identity to its own database user (`IAMR:<role>`,
`IAM:<user>`), so the Airflow role and an engineer running `elt run` are different users. A
user may not create schemas without CREATE on the database, and only a table's owner (or a
holder of the DROP/ALTER privilege) may drop or alter it. Redshift's scoped permissions
("GRANT … FOR TABLES IN SCHEMA … TO ROLE", docs.aws.amazon.com/redshift/latest/dg/r_GRANT.html)
cover a schema's current and future tables whoever creates them; PostgreSQL has no such grant,
so there every writer acts as one owning role (`ALTER ROLE <user> SET role`), which owns what
they create.

sqlglot has trees for GRANT … ON DATABASE/SCHEMA and CREATE SCHEMA; the role statements and
scoped grants it has none for are `exp.Command` nodes built from fixed keywords and names
sqlglot quotes (no value from a user is ever spliced in unquoted), and every one round-trips
through sqlglot's parser like any compiled statement.
"""

from __future__ import annotations

from sqlglot import exp

from framework.compile.naming import Naming
from framework.compile.statements import Statement, run
from framework.sql.dialects.base import Dialect
from framework.sql.kinds import Privileges

WRITER_ROLE = "elt_writer"
READER_ROLE = "elt_reader"
READ_LAYERS = ("dimension", "fact", "mart", "internal")  # consumers and the dashboard (run log, rejects)


def bootstrap_statements(
    naming: Naming, dialect: Dialect, database: str, writers: tuple[str, ...] = (), readers: tuple[str, ...] = ()
) -> list[Statement]:
    if dialect.privileges is Privileges.NONE:
        return []
    layers = dict(naming.schemas)
    schemas = naming.all_schemas()
    read = sorted({layers[layer] for layer in READ_LAYERS if layer in layers} & set(schemas))
    redshift = dialect.privileges is Privileges.SCOPED_GRANTS
    words = _Words(dialect)
    statements = [
        run(words.command("CREATE ROLE", words.name(role), *([] if redshift else ["NOLOGIN"])), f"the {role} role")
        for role in (WRITER_ROLE, READER_ROLE)
    ]
    statements.append(run(_grant(["CREATE"], "DATABASE", database, WRITER_ROLE, redshift), "writers create schemas"))
    if redshift:
        # Serverless workgroups start in SNAPSHOT isolation, under which two runs loading the same
        # files at once (an `elt run` by hand during a DAG run) could both commit them; under
        # SERIALIZABLE one fails with error 1023, and its retry finds them in the ledger
        # (docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html, r_ALTER_DATABASE.html:
        # it takes effect in the sessions opened after it)
        statements.append(
            run(
                words.command("ALTER DATABASE", words.name(database), "ISOLATION LEVEL SERIALIZABLE"),
                "concurrent writes to one table are serialized (the default for Serverless is SNAPSHOT)",
            )
        )
        # a view model is dropped and created by each build (builders/models.py: build_view), and
        # only its owner, a superuser or a holder of this system permission may drop a view
        # (docs.aws.amazon.com/redshift/latest/dg/r_DROP_VIEW.html; r_roles-system-privileges.html)
        statements.append(
            run(words.command("GRANT DROP VIEW TO ROLE", words.name(WRITER_ROLE)), "writers replace each other's views")
        )
    for schema in schemas:
        statements.append(run(_create_schema(schema), f"schema {schema}, made by the admin"))
        statements.append(
            run(_grant(["USAGE", "CREATE"], "SCHEMA", schema, WRITER_ROLE, redshift), f"writers use {schema}")
        )
        if redshift:  # every current and future table of the schema, whoever made it
            statements.append(
                run(
                    words.command(
                        "GRANT ALL FOR TABLES IN SCHEMA",
                        words.name(schema),
                        "DATABASE",
                        words.name(database),
                        "TO ROLE",
                        words.name(WRITER_ROLE),
                    ),
                    f"writers build, alter and drop every table of {schema}",
                )
            )
    for schema in read:
        statements.append(run(_grant(["USAGE"], "SCHEMA", schema, READER_ROLE, redshift), f"readers use {schema}"))
        if redshift:
            scoped = words.command(
                "GRANT SELECT FOR TABLES IN SCHEMA",
                words.name(schema),
                "DATABASE",
                words.name(database),
                "TO ROLE",
                words.name(READER_ROLE),
            )
            statements.append(run(scoped, f"readers read every table of {schema}"))
        else:
            current = words.command(
                "GRANT SELECT ON ALL TABLES IN SCHEMA", words.name(schema), "TO", words.name(READER_ROLE)
            )
            future = words.command(
                "ALTER DEFAULT PRIVILEGES FOR ROLE",
                words.name(WRITER_ROLE),
                "IN SCHEMA",
                words.name(schema),
                "GRANT SELECT ON TABLES TO",
                words.name(READER_ROLE),
            )
            statements += [run(current, f"readers read the tables of {schema}"), run(future, "and those made later")]
    for user in writers:
        statements.append(run(words.member(WRITER_ROLE, user), f"{user} writes"))
        if not redshift:  # what it creates is owned by the role, so every writer may drop it
            statements.append(
                run(
                    words.command("ALTER ROLE", words.name(user), "SET role TO", words.name(WRITER_ROLE)),
                    f"{user} acts as {WRITER_ROLE}",
                )
            )
    for user in readers:
        statements.append(run(words.member(READER_ROLE, user), f"{user} reads"))
    return statements


class _Words:
    """Statements sqlglot has no tree for, from fixed keywords and names sqlglot quotes."""

    def __init__(self, dialect: Dialect):
        self.dialect = dialect.sqlglot_dialect

    def name(self, name: str) -> str:
        return exp.to_identifier(name, quoted=not name.isidentifier() or name != name.lower()).sql(self.dialect)

    def command(self, *words: str) -> exp.Command:
        head, rest = words[0].split(" ", 1) if " " in words[0] else (words[0], "")
        return exp.Command(this=head, expression=exp.Literal.string(" ".join(w for w in (rest, *words[1:]) if w)))

    def member(self, role: str, user: str) -> exp.Command:
        if self.dialect == "redshift":
            return self.command("GRANT ROLE", self.name(role), "TO", self.name(user))
        return self.command("GRANT", self.name(role), "TO", self.name(user))


def _grant(privileges: list[str], kind: str, securable: str, role: str, to_role: bool) -> exp.Grant:
    return exp.Grant(
        privileges=[exp.GrantPrivilege(this=exp.Var(this=p)) for p in privileges],
        kind=kind,
        securable=exp.Table(this=exp.to_identifier(securable)),
        principals=[exp.GrantPrincipal(this=exp.to_identifier(role), kind="ROLE" if to_role else False)],
    )


def _create_schema(schema: str) -> exp.Create:
    return exp.Create(this=exp.Table(this=exp.to_identifier(schema)), kind="SCHEMA", exists=True)
