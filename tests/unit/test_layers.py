"""The layer order as import contracts, checked on the source (every import statement, also
those inside functions and `if TYPE_CHECKING:` blocks: a lazy import is still a dependency).

1. ALLOWED lists, for each unit (a framework sub-package, a framework top-level module, or a
   top-level package), the units it may import. A unit missing from the table is not checked
   (yet); a unit in the table that imports one not listed is a violation.
2. No cycle between units, whatever the table says.
3. No cycle between modules (a package's `__init__` counts as a module).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

ROOTS = ("framework", "dag_factory", "dashboard")

# unit → the units it may import. Read down: each unit imports only rows above it (layer
# order load → validate → build → link → plan → render → run / schedule), plus the leaves.
LEAVES = {"framework.errors", "framework.forking"}  # stdlib-only modules every unit may import

ALLOWED: dict[str, set[str]] = {
    "framework": set(),  # the package itself: __version__ only
    "framework.errors": set(),
    "framework.forking": set(),
    "framework.diagnostics": set(),
    "framework.spec": {"framework.diagnostics"},  # load, validate, build
    "framework.graph": {"framework.diagnostics"},  # link (reads spec objects it is given)
    "framework.sourcefiles": {"framework"},  # fingerprints of the sources and of the framework
    "framework.settings": {"framework.spec"},  # pipeline.yml targets resolved for this machine
    "framework.sql": {"framework.diagnostics", "framework.spec"},  # dialects, expressions, parsed model SQL
    "framework.lint": {"framework.diagnostics", "framework.spec", "framework.graph", "framework.sql"},
    "framework.compile": {  # plan, render
        "framework.diagnostics",
        "framework.spec",
        "framework.graph",
        "framework.sql",
        "framework.sourcefiles",
    },
    "framework.lake": {"framework.spec"},
    "framework.ingest": {"framework.diagnostics", "framework.spec", "framework.sql", "framework.lake"},
    # the manifest (the contract) and the typed settings of the session to open
    "framework.execute": {"framework.compile", "framework.settings", "framework.sql"},
    "framework.run": {  # run: compiles on demand (lint + compile), opens sessions, loads lakes
        "framework.compile",
        "framework.diagnostics",
        "framework.execute",
        "framework.lake",
        "framework.lint",
        "framework.settings",
        "framework.sourcefiles",
        "framework.spec",
        "framework.sql",
    },
    "framework.cli": {  # the shell: may use every layer
        "framework",
        "framework.compile",
        "framework.diagnostics",
        "framework.graph",
        "framework.ingest",
        "framework.lake",
        "framework.lint",
        "framework.run",
        "framework.settings",
        "framework.spec",
        "framework.sql",
    },
    # schedule: the library, never the CLI (which prints and exits)
    "dag_factory": {
        "framework.compile",
        "framework.diagnostics",
        "framework.ingest",
        "framework.lake",
        "framework.run",
        "framework.settings",
        "framework.spec",
    },
    "dashboard": {"framework.execute", "framework.settings", "framework.spec", "framework.sql"},
}
ALLOWED = {unit: allowed | (LEAVES - {unit}) for unit, allowed in ALLOWED.items()}

# Module cycles to tolerate (none): each must go, not grow.
KNOWN_MODULE_CYCLES: set[frozenset[str]] = set()


@dataclass(frozen=True)
class Import:
    path: str  # importing file, relative to the root scanned
    line: int
    importer: str  # module name
    imported: str  # module name (a module or package of the scanned tree)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported}"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def collect_imports(root: Path, packages: Iterable[str] = ROOTS) -> list[Import]:
    """Every import between modules of `packages` under `root`, wherever it appears in a file.

    `import a.b` and `from a import b` (b a module) import the module a.b; the parent package
    Python runs first is not counted as imported (it is not what the code depends on)."""
    files = {module_name(root, p): p for package in packages for p in sorted((root / package).rglob("*.py"))}
    found = []
    for importer, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            for name in _imported_names(node, importer, is_package, files):
                target = _known_module(name, files)
                if target is not None and target != importer:
                    found.append(Import(str(path.relative_to(root)), node.lineno, importer, target))
    return sorted(set(found), key=lambda i: (i.path, i.line, i.imported))


def _imported_names(node: ast.AST, importer: str, is_package: bool, modules: Mapping[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # relative: resolve against the importing module's package
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join(package + ([base] if base else []))
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]


def _known_module(name: str, modules: Mapping[str, Path]) -> str | None:
    """The longest prefix of a dotted name that is a module of the tree."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def unit_of(module: str, units: Iterable[str]) -> str:
    """The most specific unit that holds the module (a unit is a package or a module)."""
    best = module.split(".")[0]
    for unit in units:
        if (module == unit or module.startswith(unit + ".")) and len(unit) > len(best):
            best = unit
    return best


def default_units(root: Path) -> set[str]:
    """framework's sub-packages and top-level modules, and each top-level package."""
    units = set(ROOTS)
    for child in (root / "framework").iterdir():
        if child.is_dir() and (child / "__init__.py").exists():
            units.add(f"framework.{child.name}")
        elif child.suffix == ".py" and child.name != "__init__.py":
            units.add(f"framework.{child.stem}")
    return units


def contract_violations(imports: list[Import], allowed: Mapping[str, set[str]], units: set[str]) -> list[str]:
    problems = []
    for imp in imports:
        source, target = unit_of(imp.importer, units), unit_of(imp.imported, units)
        if source != target and source in allowed and target not in allowed[source]:
            problems.append(f"{imp}: {source} may not import {target} (allowed: {sorted(allowed[source])})")
    return problems


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Each strongly connected component of more than one node (Tarjan), as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by the number of modules (~150)
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in edges.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def cycle_report(imports: list[Import], key, known: set[frozenset[str]] = frozenset()) -> list[str]:
    """Cycles of the graph `key(import)` → edges, each with the imports that make it."""
    edges: dict[str, set[str]] = {}
    for imp in imports:
        a, b = key(imp.importer), key(imp.imported)
        if a != b:
            edges.setdefault(a, set()).add(b)
    problems = []
    for component in cycles(edges):
        if frozenset(component) in known:
            continue
        members = set(component)
        evidence = [str(i) for i in imports if key(i.importer) in members and key(i.imported) in members]
        problems.append("cycle between " + ", ".join(component) + ":\n    " + "\n    ".join(evidence))
    return problems


# -- the contracts, on this repository ------------------------------------------------------------


def _repo_imports() -> list[Import]:
    return collect_imports(REPO)


def test_the_checker_sees_the_whole_tree():
    imports = _repo_imports()
    importers = {i.importer for i in imports}
    assert {"framework.compile.plan", "framework.lint.model_sql", "dag_factory.callables"} <= importers
    assert len(imports) > 150


def test_every_unit_imports_only_what_the_table_allows():
    units = default_units(REPO)
    assert set(ALLOWED) <= units | set(ROOTS), set(ALLOWED) - units
    problems = contract_violations(_repo_imports(), ALLOWED, units)
    assert not problems, "\n".join(problems)


def test_no_cycle_between_units():
    units = default_units(REPO)
    problems = cycle_report(_repo_imports(), lambda module: unit_of(module, units))
    assert not problems, "\n".join(problems)


def test_no_cycle_between_modules():
    problems = cycle_report(_repo_imports(), lambda module: module, KNOWN_MODULE_CYCLES)
    assert not problems, "\n".join(problems)


def test_compile_does_not_import_lint_and_ingest_does_not_import_compile():
    units = default_units(REPO)
    pairs = {(unit_of(i.importer, units), unit_of(i.imported, units)) for i in _repo_imports()}
    assert ("framework.compile", "framework.lint") not in pairs
    assert ("framework.lint", "framework.compile") not in pairs
    assert ("framework.ingest", "framework.compile") not in pairs


# -- the checker itself, on a small synthetic tree ---------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_finds_lazy_type_checking_and_relative_imports(tmp_path):
    _write(
        tmp_path,
        {
            "framework/__init__.py": "",
            "framework/low/__init__.py": "",
            "framework/low/a.py": "def f():\n    from framework.high import b\n",
            "framework/high/__init__.py": "",
            "framework/high/b.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import c\nfrom ..low import a\n"
            ),
            "framework/high/c.py": "import framework.high.b\n",
        },
    )
    imports = collect_imports(tmp_path, ("framework",))
    assert {(i.importer, i.imported, i.line) for i in imports} == {
        ("framework.low.a", "framework.high.b", 2),
        ("framework.high.b", "framework.high.c", 3),
        ("framework.high.b", "framework.low.a", 4),
        ("framework.high.c", "framework.high.b", 1),
    }
    units = default_units(tmp_path)
    assert units == {"framework", "framework.low", "framework.high", "dag_factory", "dashboard"}
    problems = contract_violations(imports, {"framework.low": set(), "framework.high": {"framework.low"}}, units)
    assert problems == [
        "framework/low/a.py:2: framework.low.a imports framework.high.b: framework.low may not import "
        "framework.high (allowed: [])"
    ]
    unit_cycles = cycle_report(imports, lambda module: unit_of(module, units))
    assert len(unit_cycles) == 1 and "cycle between framework.high, framework.low" in unit_cycles[0]
    assert "framework/low/a.py:2: framework.low.a imports framework.high.b" in unit_cycles[0]
    module_cycles = cycle_report(imports, lambda module: module)
    assert len(module_cycles) == 1
    assert module_cycles[0].startswith("cycle between framework.high.b, framework.high.c, framework.low.a")
    assert (
        cycle_report(imports, lambda m: m, {frozenset({"framework.high.b", "framework.high.c", "framework.low.a"})})
        == []
    )


def test_library_code_neither_exits_nor_fakes_objects():
    """No SystemExit outside the CLI (library code raises typed errors), no SimpleNamespace anywhere."""
    found = []
    for root in ROOTS:
        for path in sorted((REPO / root).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
                if name == "SimpleNamespace" or (name == "SystemExit" and not relative.startswith("framework/cli/")):
                    found.append(f"{relative}:{node.lineno}: {name}")
    assert not found, "\n".join(found)
