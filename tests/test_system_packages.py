"""`make test` installs what its tests need on a fresh machine (bin/system-packages): as root it
runs apt-get; otherwise it names the command to run, in one line, and stops."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bin" / "system-packages"


def run(*args, env=None):
    return subprocess.run(
        [*args, "bash", str(SCRIPT), "test"],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_nothing_to_do_when_chromium_and_pg_config_are_there():
    if not (Path("/usr/bin/chromium").exists() and shutil.which("pg_config")):
        pytest.fail("this machine should have Chromium and libpq-dev: make test installs them first")
    result = run()
    assert result.returncode == 0 and result.stdout == result.stderr == ""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runuser"), reason="needs root to act as another user")
def test_a_missing_browser_without_root_says_what_to_run_and_stops(tmp_path):
    result = run("runuser", "-u", "nobody", "--", "env", f"CHROMIUM={tmp_path}/chromium")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Missing system packages: run 'sudo apt-get update && sudo apt-get install -y chromium', then make again."
    ]
