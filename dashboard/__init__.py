"""The BI dashboard over the warehouse a pipeline builds (Streamlit; see dashboard/README.md).

Library modules here import nothing heavy at import time: `config`, `sql`, `queries`,
`warehouse`, `data`, `filters`, `fmt`, `kpis` and `health` are plain Python (sqlglot, drivers
and pandas are imported where a query runs); Streamlit and Plotly live in `app.py`, `ui.py`,
`charts.py` and the page scripts under `views/`.
"""
