"""No secret in anything hpsync leaves behind: files, reports, logs, command output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hpsync.demo.scenario import DemoSettings, run_demo


def test_demo_outputs_and_commands_never_contain_a_secret(tmp_path: Path) -> None:
    """Every file the demo writes, its report, and the CLI's output are free of the secrets."""
    lines: list[str] = []
    report = run_demo(
        DemoSettings(size="S", seed=3, out_dir=tmp_path, progress=False), lines.append
    )
    secrets = [v for k, v in os.environ.items() if k.startswith("HPSYNC_DEMO_")]
    assert len(secrets) == 3 and all(len(s) >= 16 for s in secrets)
    config = tmp_path / "hpsync.toml"
    env = {**os.environ, "HPSYNC_LOG_LEVEL": "debug"}
    outputs = [report.text(), report.html(), *lines]
    for args in (
        ["runs", "-c", str(config), "--json"],
        ["status", "-c", str(config)],
        ["config", "check", str(config)],
        ["anomalies", "-c", str(config)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "hpsync", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        outputs += [done.stdout, done.stderr]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, f"a secret is in {path.name}"
    for text in outputs:
        for secret in secrets:
            assert secret not in text
