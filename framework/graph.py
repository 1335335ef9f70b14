"""The dependency graph of a pipeline's specs: run order, unknown references, cycles.

Nodes are spec names (sources and models); an edge a → b means b depends on a.
"""

from __future__ import annotations

from dataclasses import dataclass

from framework.diagnostics import Diagnostic, did_you_mean


@dataclass(frozen=True)
class DependencyGraph:
    nodes: tuple[str, ...]
    upstream: tuple[tuple[str, tuple[str, ...]], ...]  # (node, its known dependencies)

    def parents(self, node: str) -> tuple[str, ...]:
        return dict(self.upstream).get(node, ())

    def children(self, node: str) -> tuple[str, ...]:
        return tuple(sorted(n for n, deps in self.upstream if node in deps))

    def downstream(self, node: str, order: tuple[str, ...]) -> tuple[str, ...]:
        """Every node that reads `node`, directly or through others, in `order` (this graph's
        `order()`: dependencies first, so one pass closes the set)."""
        upstream, found = dict(self.upstream), {node}
        for other in order:
            if found.intersection(upstream.get(other, ())):
                found.add(other)
        return tuple(other for other in order if other in found and other != node)

    def order(self) -> tuple[str, ...]:
        """Topological order, ties broken by name so plans are stable. Assumes no cycle."""
        from graphlib import TopologicalSorter

        sorter = TopologicalSorter({n: set(d) for n, d in self.upstream})
        sorter.prepare()
        ordered: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready())
            ordered.extend(ready)
            sorter.done(*ready)
        return tuple(ordered)


def build_graph(project) -> tuple[DependencyGraph, list[Diagnostic]]:
    found: list[Diagnostic] = []
    names = [s.name for s in project.specs]
    known = set(names)
    upstream = {}
    for spec in project.specs:
        deps = getattr(spec, "depends_on", ())
        for i, dep in enumerate(deps):
            if dep not in known and dep not in project.unbuilt:
                line, col = spec.origin.locate(("depends_on", i))
                found.append(
                    Diagnostic(
                        spec.origin.path,
                        line,
                        col,
                        "E301",
                        f"unknown dependency '{dep}'",
                        key_path=f"depends_on[{i}]",
                        hint=did_you_mean(dep, known),
                    )
                )
        upstream[spec.name] = tuple(d for d in deps if d in known)
    graph = DependencyGraph(tuple(sorted(known)), tuple(sorted(upstream.items())))
    plain = find_cycles(dict(upstream))
    found += _check_cycles(project, known, upstream, plain)
    for cycle in plain:
        spec = project.spec(cycle[0])
        index = spec.depends_on.index(cycle[1]) if cycle[1] in spec.depends_on else 0
        line, col = spec.origin.locate(("depends_on", index))
        found.append(
            Diagnostic(
                spec.origin.path,
                line,
                col,
                "E302",
                f"dependency cycle: {' -> '.join(cycle)}",
                key_path=f"depends_on[{index}]",
                hint="Each name depends on the next; remove one of these dependencies.",
            )
        )
    return graph, found


def _check_cycles(project, known: set[str], upstream: dict, plain: list[list[str]]) -> list[Diagnostic]:
    """A model's error checks run before it is published, so the specs its relationships checks
    read are published first: a loop through such a check can never run (E302, at the check)."""
    edges: dict[str, tuple[str, ...]] = {}
    for spec in project.specs:
        targets = [c.to_spec for c in getattr(spec, "checks", ()) if c.type.value == "relationships" and c.to_spec]
        edges[spec.name] = upstream.get(spec.name, ()) + tuple(t for t in targets if t in known and t != spec.name)
    seen = {frozenset(c) for c in plain}
    found = []
    for cycle in find_cycles(edges):
        if frozenset(cycle) in seen:
            continue  # a depends_on loop, reported as such
        # reported at the check that closes the loop: the first edge that is not a depends_on
        a, b = next((a, b) for a, b in zip(cycle, cycle[1:]) if b not in upstream.get(a, ()))
        spec = project.spec(a)
        check = next(c for c in spec.checks if c.type.value == "relationships" and c.to_spec == b)
        line, col = spec.origin.locate(check.key_path)
        found.append(
            Diagnostic(
                spec.origin.path,
                line,
                col,
                "E302",
                f"dependency cycle through a relationships check: {' -> '.join(cycle)}",
                hint="A model's checks run before it is published, after everything they read: two models "
                "cannot check each other.",
            )
        )
    return found


def find_cycles(upstream: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """One cycle per strongly connected component, as [a, b, ..., a] following dependency edges.

    Each cycle starts at the smallest name in its component, so reports are stable.
    """
    cycles = []
    for component in _strongly_connected(upstream):
        members = set(component)
        start = min(component)
        if len(component) == 1 and start not in upstream.get(start, ()):
            continue
        path, seen, node = [start], {start}, start
        while True:  # walk dependency edges inside the component until we close the loop
            following = sorted(d for d in upstream.get(node, ()) if d in members)
            nxt = start if start in following else next((d for d in following if d not in seen), following[0])
            path.append(nxt)
            if nxt in seen:
                path = path[path.index(nxt) :]
                break
            seen.add(nxt)
            node = nxt
        cycles.append(path)
    return sorted(cycles)


def _strongly_connected(upstream: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (deep graphs must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    counter = 0
    for root in sorted(upstream):
        if root in index:
            continue
        work = [(root, iter(sorted(upstream.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for dep in edges:
                if dep not in index:
                    index[dep] = low[dep] = counter
                    counter += 1
                    stack.append(dep)
                    on_stack.add(dep)
                    work.append((dep, iter(sorted(upstream.get(dep, ())))))
                    advanced = True
                    break
                if dep in on_stack:
                    low[node] = min(low[node], index[dep])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components
