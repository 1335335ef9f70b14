"""Pipeline health: the latest runs from the run log (step time, rows, rejects, failed checks),
the steps of the last run, the steps that failed or warned, the freshness of each source
from the load ledger against the thresholds in its spec, and the latest rejected rows."""

import datetime

import pandas as pd
import streamlit as st

from dashboard import charts, fmt, health, ui

RUNS = 20
STARTED = st.column_config.DatetimeColumn("started (UTC)", format="DD/MM/YYYY HH:mm:ss")

ui.header("Pipeline health")
cfg = ui.config()
result = ui.fetch("health", {"limit": RUNS})
runs, steps, problems, sources, rejects = (
    result[k] for k in ("runs", "last_run_steps", "run_problems", "source_freshness", "latest_rejects")
)
if runs.empty:
    st.info("No run in the run log yet: run the pipeline (`make run`).", icon="🔍")
    st.stop()

now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
last = runs.iloc[0]
verdict = "failed" if last["failed_steps"] else "warnings" if last["warned_checks"] else "passed"
row = st.columns(4)
row[0].metric(
    "Last run",
    health.age_text(now - pd.Timestamp(last["started_at"]).to_pydatetime()) + " ago",
    help=f"{last['run_id']}, started {last['started_at']:%d/%m/%Y %H:%M:%S} UTC",
)
row[1].metric("Verdict", verdict, help=f"{int(last['failed_steps'])} failed or skipped steps")
row[2].metric("Step time", f"{fmt.number(last['step_ms'] / 1000, 1)} s", help="Sum of the steps' durations.")
row[3].metric("Failed checks", fmt.number(last["failed_checks"]), help=f"{int(last['warned_checks'])} warned")

st.subheader(f"Last {RUNS} runs")  # full width: the table has eleven columns
history = runs.assign(step_s=runs["step_ms"] / 1000).drop(columns=["step_ms"])
st.dataframe(
    history,
    hide_index=True,
    column_config={
        "started_at": STARTED,
        "step_s": st.column_config.NumberColumn("step time (s)", format="%.2f"),
        "rows_rejected": "rejected",
        "failed_checks": "failed checks",
        "warned_checks": "warned checks",
        "failed_steps": "failed steps",
    },
)
st.subheader("Steps of the last run")
slowest = steps.assign(seconds=steps["duration_ms"] / 1000).sort_values("seconds", ascending=False).head(15)
ui.chart(charts.hbar(slowest, "step", "seconds", "Slowest steps (s)", color=charts.GREY))

st.subheader("Source freshness")
thresholds = health.freshness_thresholds(cfg.pipeline_root)
loaded = {record["source"]: record for record in sources.to_dict("records")}
rows = []
for source in sorted(set(thresholds) | set(loaded)):
    warn_after, error_after = thresholds.get(source, (None, None))
    seen = loaded.get(source)
    age = now - pd.Timestamp(seen["last_loaded_at"]).to_pydatetime() if seen else None
    rows.append(
        {
            "source": source,
            "status": health.status(age, warn_after, error_after),
            "age": health.age_text(age),
            "last loaded (UTC)": seen["last_loaded_at"] if seen else None,
            "last batch": seen["last_batch_date"] if seen else None,
            "warn after": warn_after or fmt.DASH,
            "error after": error_after or fmt.DASH,
            "files": seen["files"] if seen else 0,
            "rows loaded": seen["rows_loaded"] if seen else 0,
        }
    )
st.dataframe(
    pd.DataFrame(rows),
    hide_index=True,
    column_config={
        "last loaded (UTC)": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm"),
        "last batch": st.column_config.DateColumn(format="DD/MM/YYYY"),
    },
)

st.subheader("Failed, skipped and warned steps")
if problems.empty:
    st.caption("None in the run log.")
else:
    st.dataframe(problems, hide_index=True, column_config={"started_at": STARTED})

st.subheader("Rejected rows")
if rejects.empty:
    st.caption("None: every delivered row loaded.")
else:
    st.caption(f"The latest {len(rejects)} rows that did not load (all of them are in `elt.rejects`).")
    st.dataframe(
        rejects,
        hide_index=True,
        column_config={"batch_date": st.column_config.DateColumn("batch", format="DD/MM/YYYY"), "path": "file"},
    )
