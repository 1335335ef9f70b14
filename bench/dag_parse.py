"""Benchmark: DagBag parse time of the DAGs folder (the DAG factory's one file).

Cases: the Olist pipeline, and 100 generated pipelines of 20 models each (2,000 model tasks),
with a warm compile cache (what a deployment sees on every parse) and cold (cache building,
once per spec change). Goals: Olist < 0.3 s; 2,000 models < 3 s warm. Medians.
dag-factory (astronomer) for comparison: see the README for why it is not measured beside
Airflow 3 here.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from genproject import generate  # noqa: E402

PROBE = """
import json, sys, time
from airflow.dag_processing.dagbag import DagBag
start = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - start, "dags": len(bag.dags),
                  "tasks": sum(len(d.tasks) for d in bag.dags.values()), "errors": len(bag.import_errors)}))
"""


def parse(project: Path, home: Path) -> dict:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "ELT_PIPELINES_DIR": str(project / "pipelines"),
        "ELT_PROJECT_DIR": str(project),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
        # the cold parse compiles 2,000 models; Airflow's default 30 s import timeout would cut it
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "600",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO / "dag_factory" / "dags")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def dag_factory_config(project: Path, out: Path) -> Path:
    """The same DAGs (same tasks, same dependencies) in astronomer dag-factory's YAML format."""
    import yaml

    from dag_factory.loader import load_dags

    out.mkdir(parents=True, exist_ok=True)
    (out / "noop.py").write_text("def noop(**kwargs):\n    return None\n")
    config = {
        "default": {
            "default_args": {"owner": "bench", "retries": 3},
            "catchup": False,
            "start_date": "2024-01-01",
            "schedule": "@daily",
        }
    }
    for dag_id, dag in sorted(load_dags(str(project / "pipelines"), str(project)).items()):
        tasks = {}
        for task in dag.tasks:
            name = task.task_id.replace(".", "__")
            tasks[name] = {
                "operator": "airflow.providers.standard.operators.python.PythonOperator",
                "python_callable_name": "noop",
                "python_callable_file": str(out / "noop.py"),
                "dependencies": sorted(u.replace(".", "__") for u in task.upstream_task_ids),
            }
        config[dag_id] = {"tasks": tasks}
    path = out / "dags.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    (out / "dagfactory_dags.py").write_text(
        "# airflow DAG file for dag-factory (DagBag's safe mode looks for both words)\n"
        "from dagfactory import load_yaml_dags\n"
        f"load_yaml_dags(globals_dict=globals(), config_filepath={str(path)!r})\n"
    )
    return out


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="?", type=int, default=5)
    parser.add_argument("--dag-factory-python", help="a Python with Airflow 3 and dag-factory installed, to compare")
    args = parser.parse_args()
    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        home = tmp / "airflow"
        home.mkdir()
        olist = tmp / "olist"
        shutil.copytree(
            REPO / "pipelines" / "olist", olist / "pipelines" / "olist", ignore=shutil.ignore_patterns("sample")
        )
        many = tmp / "many"
        for i in range(100):
            root = generate(many / "pipelines" / f"p{i:03d}", 25)  # 5 sources + 20 models
            text = (root / "pipeline.yml").read_text().replace("name: generated", f"name: generated_{i:03d}")
            (root / "pipeline.yml").write_text(
                text.replace("warehouse/generated.duckdb", f"warehouse/generated_{i:03d}.duckdb")
            )
        print(f"{'case':<34} {'DAGs':>5} {'tasks':>6} {'cold s':>7} {'warm median s':>14}")
        for label, project in (("olist", olist), ("100 pipelines x 20 models", many)):
            cold = parse(project, home)
            warm = [parse(project, home) for _ in range(runs)]
            assert cold["errors"] == 0 and all(w["errors"] == 0 for w in warm)
            print(
                f"{label:<34} {cold['dags']:>5} {cold['tasks']:>6} {cold['seconds']:>7.2f} "
                f"{statistics.median(w['seconds'] for w in warm):>14.3f}"
            )
            if args.dag_factory_python and label != "olist":
                folder = dag_factory_config(project, tmp / "dagfactory")
                env = {
                    **os.environ,
                    "AIRFLOW_HOME": str(home),
                    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                    "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
                    "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "600",
                }
                timings = []
                for _ in range(runs):
                    result = subprocess.run(
                        [args.dag_factory_python, "-c", PROBE, str(folder)],
                        env=env,
                        capture_output=True,
                        text=True,
                        check=True,
                        cwd=tmp,
                    )
                    timings.append(json.loads(result.stdout.strip().splitlines()[-1]))
                assert all(t["errors"] == 0 for t in timings), timings[0]
                print(
                    f"{'  same DAGs with dag-factory 1.1.0':<34} {timings[0]['dags']:>5} {timings[0]['tasks']:>6} "
                    f"{'-':>7} {statistics.median(t['seconds'] for t in timings):>14.3f}"
                )


if __name__ == "__main__":
    main()
