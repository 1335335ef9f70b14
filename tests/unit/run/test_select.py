"""`--select` / `--exclude` on `elt run`, `elt compile` and `elt plan`: each selector form, exclusion,
unknown selectors, and what an unselected model keeps (its elt.model_builds rows)."""

from __future__ import annotations

import json

import pytest

from framework.compile.selection import SelectionError, SelectionRequest, SelectorKind
from framework.run.runner import RunOptions, run_pipeline
from tests.conftest import FIXTURES
from tests.support.workspace import BATCH, Workspace
from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases


@pytest.fixture(scope="module")
def tiny_manifest():
    from framework.compile import compile_project
    from framework.spec.project import load_project

    project, _ = load_project(str(FIXTURES / "tiny_shop"))
    return compile_project(project, None)


def selected(manifest, select=(), exclude=()) -> tuple[str, ...]:
    request = SelectionRequest.parse(select, exclude)
    assert request is not None
    return request.resolve(manifest).names


# tiny_shop: members → dim_member → fact_purchase ← purchases
@pytest.mark.parametrize(
    ("select", "exclude", "expected"),
    [
        (["dim_member"], [], ("dim_member",)),
        (["members"], [], ("members",)),  # a bare name may be a source
        (["+dim_member"], [], ("members", "dim_member")),
        (["dim_member+"], [], ("dim_member", "fact_purchase")),
        (["+dim_member+"], [], ("members", "dim_member", "fact_purchase")),
        (["+fact_purchase"], [], ("members", "purchases", "dim_member", "fact_purchase")),
        (["source:members"], [], ("members",)),
        (["source:members+"], [], ("members", "dim_member", "fact_purchase")),
        (["layer:staging"], [], ("members", "purchases")),
        (["layer:fact"], [], ("fact_purchase",)),
        (["tag:people"], [], ("dim_member",)),
        (["dim_member purchases"], [], ("purchases", "dim_member")),  # one word, space-separated
        (["dim_member,purchases"], [], ("purchases", "dim_member")),  # comma-separated
        (["dim_member", "layer:fact"], [], ("dim_member", "fact_purchase")),  # several words: a union
        (["+fact_purchase"], ["layer:staging"], ("dim_member", "fact_purchase")),
        ([], ["fact_purchase"], ("members", "purchases", "dim_member")),  # --exclude alone: all but
        (["source:members+"], ["dim_member+"], ("members",)),
    ],
)
def test_each_selector_form(tiny_manifest, select, exclude, expected):
    manifest = _tagged(tiny_manifest)
    assert selected(manifest, select, exclude) == expected


def test_plus_name_plus_is_its_inputs_and_its_readers_never_its_inputs_other_readers():
    """`+x+` = `+x` ∪ `x+`, for every spec of Olist (whose sources feed several models each); it
    once expanded `x+` from `+x`'s result, selecting models that read x's inputs but not x."""
    from framework.compile import compile_project
    from framework.spec.project import load_project
    from tests.conftest import OLIST

    project, _ = load_project(str(OLIST))
    manifest = compile_project(project, None)
    siblings = 0
    for spec in manifest.specs:
        both = set(selected(manifest, [f"+{spec.name}+"]))
        assert both == set(selected(manifest, [f"+{spec.name}"])) | set(selected(manifest, [f"{spec.name}+"])), (
            spec.name
        )
        readers_of_inputs = {d for name in selected(manifest, [f"+{spec.name}"]) for d in manifest.downstream(name)}
        siblings += bool(readers_of_inputs - both)
    assert siblings  # the case that tells the two readings apart occurs


def _tagged(manifest):
    """The tiny manifest with dim_member tagged `people` (the fixture's models carry no tags)."""
    import dataclasses

    specs = tuple(dataclasses.replace(s, tags=("people",)) if s.name == "dim_member" else s for s in manifest.specs)
    return dataclasses.replace(manifest, specs=specs)


def test_selectors_parse_to_typed_values():
    request = SelectionRequest.parse(["+tag:daily+, layer:mart"], ["source:orders"])
    assert request is not None
    (first, second), (excluded,) = request.include, request.exclude
    assert (first.kind, first.value, first.upstream, first.downstream) == (SelectorKind.TAG, "daily", True, True)
    assert second.kind is SelectorKind.LAYER and not second.upstream and not second.downstream
    assert excluded.kind is SelectorKind.SOURCE and str(excluded) == "source:orders"
    assert SelectionRequest.parse([], []) is None


@pytest.mark.parametrize(
    ("select", "message"),
    [
        (["dim_membr"], "no model or source 'dim_membr' in pipeline tiny_shop. Did you mean 'dim_member'?"),
        (["tag:peple"], "no model tagged 'peple' in pipeline tiny_shop. Did you mean 'people'?"),
        (["layer:marts"], "no layer 'marts' in pipeline tiny_shop. Did you mean 'mart'?"),
        (["source:member"], "no source 'member' in pipeline tiny_shop. Did you mean 'members'?"),
        (["source:dim_member"], "'dim_member' is a model; select it as 'dim_member'"),
    ],
)
def test_an_unknown_selector_is_an_error_with_a_hint(tiny_manifest, select, message):
    with pytest.raises(SelectionError) as raised:
        selected(_tagged(tiny_manifest), select)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sorce:members", "unknown selector method 'sorce:' (methods: tag, source, layer). Did you mean 'source'?"),
        ("a+b", "'a+b' is not a selector"),
        ("tag:", "'tag:' is not a selector"),
        # `--select "$MODELS"` with the variable unset ran everything (adversarial round 29)
        ("", "'' names no selector"),
        (" , ", "' , ' names no selector"),
    ],
)
def test_a_malformed_selector_is_refused_before_anything_is_read(text, message):
    with pytest.raises(SelectionError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        SelectionRequest.parse([text])


def test_excluding_everything_selected_is_an_error(tiny_manifest):
    with pytest.raises(SelectionError, match="selects nothing"):
        selected(tiny_manifest, ["dim_member"], ["layer:dimension"])


# -- runs -------------------------------------------------------------------------------------------
@pytest.fixture
def built(tmp_path):
    """The tiny pipeline run once whole; then a second batch lands (members and purchases)."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    day1 = tmp_path / "landing1"
    landing(day1, "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(day1)
    assert not workspace.ingest(day1, "2024-01-01").failed
    assert workspace.run().ok
    day2 = tmp_path / "landing2"
    landing(day2, "members_2024-01-02.csv", [HEADER, "4;dan@example.com;gold;Braga;2024-01-02 10:00:00"])
    rows = [{"purchase_id": "p2", "member_id": 4, "amount": "3.00", "purchased_at": "2024-01-02 11:00:00"}]
    purchases(day2, "purchases/p2.parquet", rows)
    assert not workspace.ingest(day2, "2024-01-02").failed
    return workspace


def run_selected(workspace, select=(), exclude=(), full=False):
    options = RunOptions(BATCH, full=full, selection=SelectionRequest.parse(select, exclude))
    result = run_pipeline(str(workspace.pipeline), workspace.settings(), options)
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    return result, {o.step: o.status.value for o in result.outcomes}


def builds(workspace) -> dict[str, list[tuple]]:
    rows = workspace.query(
        "SELECT model, data_fingerprint, run_id, built_at, build_seq FROM elt.model_builds ORDER BY model, built_at"
    )
    found: dict[str, list[tuple]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row[1:])
    return found


def loaded(workspace) -> dict[str, int]:
    return dict(workspace.query("SELECT source, COUNT(*) FROM elt.file_ledger GROUP BY source"))


def test_a_bare_model_builds_from_staging_as_it_is_and_loads_nothing(built):
    before, ledger = builds(built), loaded(built)
    result, steps = run_selected(built, ["fact_purchase"], full=True)
    assert steps == {"build:fact_purchase": "ok", "check:fact_purchase": "ok"}
    assert loaded(built) == ledger == {"members": 1, "purchases": 1}  # the new batch waits
    after = builds(built)
    assert after["dim_member"] == before["dim_member"]  # untouched: no row added, none pruned
    assert len(after["fact_purchase"]) == 1 and after["fact_purchase"] != before["fact_purchase"]
    assert result.selected == ("fact_purchase",)
    assert built.query("SELECT COUNT(*) FROM dwh.fact_purchase") == [(1,)]
    assert result.selection.startswith("selected (--select fact_purchase): 1 of 2 model(s) fact_purchase")


def test_a_selected_source_loads_and_only_what_is_selected_builds(built):
    before = builds(built)
    _, steps = run_selected(built, ["source:purchases+"])
    assert steps == {"load:purchases": "ok", "build:fact_purchase": "ok", "check:fact_purchase": "ok"}
    assert loaded(built) == {"members": 1, "purchases": 2}  # members' new batch is not loaded
    after = builds(built)
    assert after["dim_member"] == before["dim_member"]  # not downstream of purchases: untouched
    assert built.query("SELECT COUNT(*) FROM staging.members") == [(3,)]
    assert built.query("SELECT COUNT(*) FROM dwh.fact_purchase") == [(2,)]


def test_an_unselected_model_downstream_of_a_change_is_recorded_stale_never_up_to_date(built):
    """+dim_member loads members and rebuilds dim_member; fact_purchase (unselected) is not built,
    and the invalidation its upstream's build records makes the next run rebuild it."""
    before = builds(built)
    _, steps = run_selected(built, ["+dim_member"])
    assert steps == {"load:members": "ok", "build:dim_member": "ok", "check:dim_member": "ok"}
    after = builds(built)
    assert after["fact_purchase"][: len(before["fact_purchase"])] == before["fact_purchase"]
    assert [row[0] for row in after["fact_purchase"][len(before["fact_purchase"]) :]] == ["", ""]  # invalidated
    _, steps = run_selected(built, [])  # the whole pipeline now
    assert steps["build:fact_purchase"] == "ok" and steps["build:dim_member"] == "up to date"
    assert steps["load:members"] == "nothing new" and steps["load:purchases"] == "ok"


def test_full_with_a_selection_rebuilds_only_the_selection(built):
    run_selected(built, [])  # load day 2, everything up to date
    before = builds(built)
    _, steps = run_selected(built, ["dim_member"], ["fact_purchase"], full=True)
    assert steps == {"build:dim_member": "ok", "check:dim_member": "ok"}
    _, steps = run_selected(built, ["layer:fact"], full=True)
    assert steps == {"build:fact_purchase": "ok", "check:fact_purchase": "ok"}
    after = builds(built)
    assert after["dim_member"][-1][0] == before["dim_member"][-1][0]  # same definition, rebuilt once more
    assert after["dim_member"][-1][1] != before["dim_member"][-1][1]  # by the --full --select run


def test_run_command_reports_the_selection_and_refuses_an_unknown_one(built):
    run = built.cli_run("--select", "+dim_member", "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["selected"] == ["members", "dim_member"]
    assert [s["step"] for s in report["steps"]] == ["load:members", "build:dim_member", "check:dim_member"]
    text = built.cli_run("-s", "dim_member", "--full")
    assert text.returncode == 0, text.stdout + text.stderr
    assert "selected (--select dim_member): 1 of 2 model(s) dim_member; 0 source(s)" in text.stdout
    unknown = built.cli_run("--select", "fact_purchse")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "no model or source 'fact_purchse' in pipeline tiny_shop. Did you mean 'fact_purchase'?" in unknown.stderr
    malformed = built.cli_run("--exclude", "tags:x")
    assert malformed.returncode == 2 and "unknown selector method 'tags:'" in malformed.stderr


def test_compile_and_plan_restrict_their_output_to_the_selection(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    out = tmp_path / "out"
    whole = workspace.cli("compile", str(workspace.pipeline), "--out", str(tmp_path / "all"), "--format", "json")
    assert whole.returncode == 0, whole.stderr
    compiled = workspace.cli(
        "compile", str(workspace.pipeline), "--out", str(out), "--select", "+dim_member", "--format", "json"
    )
    assert compiled.returncode == 0, compiled.stderr
    payload = json.loads(compiled.stdout)
    assert payload["selected"] == ["members", "dim_member"] and payload["steps"] < json.loads(whole.stdout)["steps"]
    files = {p.name.split("_", 1)[1] for p in out.glob("*.sql")}
    assert files == {
        "setup.sql",
        "table_members.sql",
        "table_dim_member.sql",
        "load_members.sql",
        "build_dim_member.sql",
        "check_dim_member.sql",
    }
    # plan: a change to both models, listed only for the selection
    for name, column in (("dim_member.yml", "updated_at"), ("fact_purchase.yml", "amount")):
        spec = workspace.pipeline / "models" / name
        text = spec.read_text()
        line = next(x for x in text.splitlines() if f"name: {column}," in x)
        spec.write_text(text.replace(line, line.replace("nullable: false}", "nullable: true}")))
    plan = workspace.cli(
        "plan", str(workspace.pipeline), "--compare", str(tmp_path / "all" / "manifest.json"), "--format", "json"
    )
    assert plan.returncode == 0, plan.stderr
    assert {c["name"] for c in json.loads(plan.stdout)["changes"] if c["action"] != "unchanged"} >= {
        "dim_member",
        "fact_purchase",
    }
    planned = workspace.cli(
        "plan",
        str(workspace.pipeline),
        "--compare",
        str(tmp_path / "all" / "manifest.json"),
        "--select",
        "layer:fact",
        "--format",
        "json",
    )
    assert planned.returncode == 0, planned.stderr
    assert [c["name"] for c in json.loads(planned.stdout)["changes"]] == ["fact_purchase"]
    bad = workspace.cli("plan", str(workspace.pipeline), "--compare", "x.json", "--select", "layer:facts")
    assert bad.returncode == 2 and "Did you mean 'fact'?" in bad.stderr


def test_a_tag_with_a_dash_or_a_dot_is_selectable():
    """Adversarial round 32: a tag the spec accepted (Olist's `accumulating-snapshot`) could not
    be written as a selector; tags are now the characters a selector reads, and it reads them."""
    (selector,) = SelectionRequest.parse(["tag:accumulating-snapshot+"]).include
    assert (selector.kind, selector.value, selector.downstream) == (SelectorKind.TAG, "accumulating-snapshot", True)
    with pytest.raises(SelectionError, match="is not a selector"):
        SelectionRequest.parse(["tag:a:b"])
