"""`elt ingest` skips the JSON-schema validation of spec documents this framework build validated
before (their bytes' digests, kept beside the manifests): an unchanged pipeline loads without
importing jsonschema; an edited document, or another framework build, is validated again."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from framework.run.spec_cache import _path, load_project_trusting
from tests.conftest import FIXTURES, REPO

PROBE = """
import sys
from framework.run.spec_cache import load_project_trusting
project, problems = load_project_trusting(sys.argv[1], sys.argv[2])
assert project.pipeline is not None and not [p for p in problems if p.severity.value == "error"], problems
print("jsonschema" in sys.modules)
"""


def jsonschema_imported(root, cache) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(root), str(cache)], capture_output=True, text=True, cwd=REPO, check=True
    )
    return done.stdout.strip() == "True"


def test_an_unchanged_pipeline_loads_without_validating_again(tmp_path):
    root, cache = tmp_path / "shop", tmp_path / "cache"
    shutil.copytree(FIXTURES / "tiny_shop", root)
    assert jsonschema_imported(root, cache)  # the first load validates every document
    assert not jsonschema_imported(root, cache)  # the second trusts them all
    spec = root / "models" / "fact_purchase.yml"
    spec.write_text(spec.read_text() + "\n# a comment changes the bytes\n")
    assert jsonschema_imported(root, cache)  # that one document is validated again


def test_an_edited_document_is_validated_again(tmp_path):
    root, cache = tmp_path / "shop", tmp_path / "cache"
    shutil.copytree(FIXTURES / "tiny_shop", root)
    project, problems = load_project_trusting(str(root), str(cache))
    assert not problems and project.pipeline is not None
    spec = root / "models" / "fact_purchase.yml"
    spec.write_text(spec.read_text().replace("layer: fact", "layer: fact\nlayr: fact"))
    _, problems = load_project_trusting(str(root), str(cache))
    assert [p.code for p in problems] == ["E101"], problems


def test_another_framework_build_trusts_nothing(tmp_path):
    root, cache = tmp_path / "shop", tmp_path / "cache"
    shutil.copytree(FIXTURES / "tiny_shop", root)
    load_project_trusting(str(root), str(cache))
    record = json.loads(open(_path(str(root), str(cache))).read())
    assert len(record["documents"]) == 5
    record["framework"] = "0.0.0+another"
    open(_path(str(root), str(cache)), "w").write(json.dumps(record))
    assert jsonschema_imported(root, cache)
