"""The CLI: ``hpsync snapshot`` round trip and ``hpsync emulate hyperplanning``."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from hpsync.cli import app
from hpsync.emulators.hyperplanning import RunningEmulator
from hyperplanning.school import school

from .conftest import PASSWORD, USER


def test_snapshot_command_round_trips(
    emulator: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """emulate → snapshot gives back the same content (base name/id aside)."""
    monkeypatch.setenv("HP_TEST_PASSWORD", PASSWORD)
    out = tmp_path / "school.json"
    result = CliRunner().invoke(
        app,
        [
            "snapshot",
            "--hp-url", emulator.url,
            "--hp-user", USER,
            "--hp-password-env", "HP_TEST_PASSWORD",
            "--timezone", "Europe/Paris",
            "--base-id", "test-2025",
            "-o", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    expected = school()
    written["base"]["name"] = expected["base"]["name"]
    assert written == expected
    assert PASSWORD not in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_emulate_command_serves_the_file(tmp_path: Path) -> None:
    """``hpsync emulate hyperplanning`` serves the WSDL under the given root and credentials."""
    data = tmp_path / "school.json"
    data.write_text(json.dumps(school()), encoding="utf-8")
    port = _free_port()
    args = ["--data", str(data), "--port", str(port), "--user", "u", "--password", "p"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "hpsync", "emulate", "hyperplanning", *args, "--root", "/hpsw/y"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        reply = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/hpsw/y/wsdl", auth=("u", "p"))
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert reply is not None and reply.status_code == 200, proc.stderr
        assert b"HpSvcWDonnees" in reply.content
    finally:
        proc.terminate()
        proc.wait(10)
