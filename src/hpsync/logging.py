"""Logging as data: one event per line (key=value text or JSON), never a secret.

structlog renders both hpsync's own events and the standard-library loggers of its
dependencies. Redaction happens twice, on purpose: every value of an event goes through
``hpsync.secrets.redact`` before rendering (a renderer may escape a secret — JSON turns
``"`` into ``\\"`` — so it would no longer match once rendered), and every rendered line
goes through it again last (for whatever a renderer adds). A secret registered anywhere
cannot leak through a log field, a message or an exception's traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, TextIO

import structlog

from hpsync.errors import UsageError
from hpsync.secrets import redact

LEVELS = ("debug", "info", "warning", "error", "critical")
FORMATS = ("text", "json")


def _scrub(value: Any) -> Any:
    """``value`` with every registered secret masked; containers are walked."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_scrub(item) for item in value]
    text = repr(value)
    masked = redact(text)
    return value if masked == text else masked  # keep objects as they are unless they leak


def redact_event(
    logger: Any, name: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: mask registered secrets in every value of the event."""
    for key, value in list(event.items()):
        if key not in {"_record", "_from_structlog"}:
            event[key] = _scrub(value)
    return event


_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.format_exc_info,
    redact_event,
]


def _redacting(renderer: Any) -> Any:
    def render(logger: Any, name: str, event: MutableMapping[str, Any]) -> str:
        return redact(str(renderer(logger, name, event)))

    return render


def configure_logging(fmt: str = "text", level: str = "info", stream: TextIO | None = None) -> None:
    """Send every log event, ours and our dependencies', to ``stream`` as one line each.

    ``fmt`` is ``text`` (key=value) or ``json``; ``level`` one of ``LEVELS``. A wrong value
    is a UsageError (it comes from the configuration or the environment).
    """
    if fmt not in FORMATS:
        raise UsageError(f'unknown log format "{fmt}"', hint="use text or json")
    if level.lower() not in LEVELS:
        raise UsageError(f'unknown log level "{level}"', hint="use " + ", ".join(LEVELS))
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


#: Attributes of a standard-library record: an event field of that name ("created", "name",
#: "module"...) cannot be handed over as ``extra`` (logging raises KeyError).
_RECORD_FIELDS = (frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}) - {
    "exc_info",  # handed over as themselves
    "stack_info",
}


def _not_record_fields(logger: Any, name: str, event: MutableMapping[str, Any]) -> Any:
    """Rename fields that would clash with the record's own (``created`` → ``created_``):
    a run's counts logged inside Celery, which keeps the standard library's logging, must
    not fail the run."""
    for key in [k for k in event if k in _RECORD_FIELDS]:
        event[f"{key}_"] = event.pop(key)
    return event


def _route_to_stdlib() -> None:
    """Until configured, events go through the standard library (warnings to stderr only)."""
    structlog.configure(
        processors=[*_SHARED, _not_record_fields, structlog.stdlib.render_to_log_kwargs],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


_route_to_stdlib()


def get_logger(name: str = "hpsync") -> Any:
    """A structlog logger bound to ``name``."""
    return structlog.get_logger(name)


@contextmanager
def bind_run(run_id: int | str, account: str) -> Iterator[None]:
    """Every event inside the block carries the run and the account."""
    with structlog.contextvars.bound_contextvars(run_id=run_id, account=account):
        yield
