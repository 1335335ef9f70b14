"""`make dashboard` serves on the loopback interface unless told otherwise (issue 16)."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def streamlit_command(*overrides: str) -> str:
    shown = subprocess.run(
        ["make", "-n", "dashboard", *overrides], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    command = shown[shown.index("streamlit run") :]
    return " ".join(command.replace("\\\n", " ").split())


def test_the_dashboard_binds_to_loopback_by_default():
    assert "--server.address 127.0.0.1 " in streamlit_command()


def test_another_address_is_a_deliberate_override():
    assert "--server.address 0.0.0.0 " in streamlit_command("DASHBOARD_ADDRESS=0.0.0.0")
