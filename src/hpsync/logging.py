"""Logging as data: one event per line (key=value text or JSON), never a secret.

structlog renders both hpsync's own events and the standard-library loggers of its
dependencies; every rendered line goes through ``hpsync.secrets.redact`` last, so a
secret registered anywhere cannot leak through a log field or an exception message.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, TextIO

import structlog

from hpsync.secrets import redact

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.format_exc_info,
]


def _redacting(renderer: Any) -> Any:
    def render(logger: Any, name: str, event: MutableMapping[str, Any]) -> str:
        return redact(str(renderer(logger, name, event)))

    return render


def configure_logging(fmt: str = "text", level: str = "info", stream: TextIO | None = None) -> None:
    """Send every log event, ours and our dependencies', to ``stream`` as one line each."""
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.processors.KeyValueRenderer(
            key_order=["timestamp", "level", "event"], drop_missing=True
        )
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                _redacting(renderer),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str = "hpsync") -> Any:
    """A structlog logger bound to ``name``."""
    return structlog.get_logger(name)


@contextmanager
def bind_run(run_id: int | str, account: str) -> Iterator[None]:
    """Every event inside the block carries the run and the account."""
    with structlog.contextvars.bound_contextvars(run_id=run_id, account=account):
        yield
