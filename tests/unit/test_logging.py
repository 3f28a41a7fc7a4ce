"""Logs are one line per event, in text or JSON, and never show a secret."""

from __future__ import annotations

import io
import json
import logging

import pytest

from hpsync.logging import bind_run, configure_logging, get_logger
from hpsync.secrets import Secret


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secret_in_a_field_or_an_exception_is_masked(fmt: str) -> None:
    """A registered secret logged as a field, in a message or a traceback comes out masked."""
    Secret("key-abcdef-123456")
    out = io.StringIO()
    configure_logging(fmt, "debug", out)
    log = get_logger("hpsync.test")
    with bind_run(7, "nord"):
        log.info("calling", header="Bearer key-abcdef-123456")
        try:
            raise RuntimeError("refused key-abcdef-123456")
        except RuntimeError:
            log.exception("failed")
    logging.getLogger("httpx").warning("GET with key-abcdef-123456")
    text = out.getvalue()
    assert "key-abcdef-123456" not in text
    assert text.count("***") >= 3
    lines = text.strip().splitlines()
    if fmt == "json":
        first = json.loads(lines[0])
        assert first["run_id"] == 7 and first["account"] == "nord"
    else:
        assert "event='calling'" in lines[0] and "account='nord'" in lines[0]


def test_an_event_whose_fields_name_record_attributes_is_logged_where_logging_is_stdlib() -> None:
    """Inside Celery (standard-library logging, hpsync's never configured) a run's counts —
    ``created``, ``name``, ``module`` — are logged, not a KeyError that fails the run."""
    import subprocess
    import sys

    code = (
        "import logging; logging.basicConfig(level=logging.INFO, format='%(message)s');"
        "from hpsync.logging import get_logger;"
        "get_logger('hpsync.sync').info('run finished', created=3, name='n', module='m')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "run finished" in done.stderr
