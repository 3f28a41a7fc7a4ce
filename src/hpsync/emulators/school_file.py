"""Validate and load school snapshot files (``hpsync-school/1``).

The JSON Schema checks the shape on the top level and a sample of records (fast on a
300 000-seance file); Python then checks every record's keys and references, because a
dangling key is what breaks the emulator and the engine far from its cause.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jsonschema

from hpsync.errors import UsageError

FORMAT = "hpsync-school/1"
SAMPLE = 200
MAX_SHOWN = 50
LISTS = (
    "families", "subjects", "rooms", "teachers", "promotions", "td_options", "regroupements",
    "tutors", "students", "courses", "exemptions", "absences", "delays",
)  # fmt: skip
GROUP_LISTS = ("promotions", "td_options", "regroupements")
#: Reference fields: (list, field) → (target kind, singular noun of the target).
REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "teachers": (("rubrics", "rubrics", "rubric"),),
    "td_options": (("promotion", "promotions", "promotion"),),
    "students": (
        ("promotions", "promotions", "promotion"),
        ("td_options", "td_options", "TD/option"),
        ("regroupements", "regroupements", "regroupement"),
        ("rubrics", "rubrics", "rubric"),
        ("tutors", "tutors", "tutor"),
    ),
    "courses": (
        ("subject", "subjects", "subject"),
        ("parent", "courses", "course"),
        ("teachers", "teachers", "teacher"),
        ("rooms", "rooms", "room"),
        ("promotions", "promotions", "promotion"),
        ("td_options", "td_options", "TD/option"),
        ("regroupements", "regroupements", "regroupement"),
        ("students", "students", "student"),
        ("rubrics", "rubrics", "rubric"),
    ),
    "exemptions": (("student", "students", "student"), ("subject", "subjects", "subject")),
    "absences": (("student", "students", "student"),),
    "delays": (("student", "students", "student"),),
}


DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
#: Dates checked in Python on every record (the schema sees a sample): field → nullable.
DATED: dict[str, dict[str, tuple[re.Pattern[str], bool]]] = {
    "students": {"birth_date": (DATE, True)},
    "exemptions": {"start": (DATE, False), "end": (DATE, False)},
    "absences": {"start": (DATETIME, False), "end": (DATETIME, False)},
    "delays": {"at": (DATETIME, False)},
}


def parse_when(value: object, pattern: re.Pattern[str]) -> datetime | None:
    """A strict ``YYYY-MM-DD`` / ``YYYY-MM-DDTHH:MM:SS`` value, or None if it is not one."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:  # right shape, impossible calendar value (month 13, 30 February)
        return None


def when_problem(where: str, value: object, pattern: re.Pattern[str]) -> str:
    """The message for a bad date or date-time, quoting the value as JSON."""
    shape = "a date YYYY-MM-DD" if pattern is DATE else "a date-time YYYY-MM-DDTHH:MM:SS"
    return f"{where}: {json.dumps(value, ensure_ascii=False)} is not {shape}"


def _is_dated(path: list[Any]) -> bool:
    """True for a schema error on a date field, which the Python checks report instead."""
    if path[:2] == ["base", "first_day"]:
        return True
    if len(path) >= 5 and path[0] == "courses" and path[2] == "seances" and path[4] == "start":
        return True
    return len(path) >= 3 and path[2] in DATED.get(str(path[0]), {})


@cache
def school_schema() -> dict[str, Any]:
    """The JSON Schema shipped next to this module."""
    text = resources.files("hpsync.emulators").joinpath("school_schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _where(data: dict[str, Any], kind: str, index: int) -> str:
    record = data[kind][index]
    key = record.get("key") if isinstance(record, dict) else None
    return f"{kind}[{index}] (key {key})" if key is not None else f"{kind}[{index}]"


def _sample(n: int) -> list[int]:
    if n <= SAMPLE:
        return list(range(n))
    step = n / SAMPLE
    return sorted({int(i * step) for i in range(SAMPLE)} | {n - 1})


def _schema_problems(data: dict[str, Any]) -> list[str]:
    """Schema errors on the top level and on sampled records, with original indexes."""
    picked: dict[str, list[int]] = {}
    view = dict(data)
    for kind in LISTS:
        if isinstance(data.get(kind), list):
            picked[kind] = _sample(len(data[kind]))
            view[kind] = [data[kind][i] for i in picked[kind]]
    validator = jsonschema.Draft202012Validator(school_schema())
    problems = []
    for error in sorted(validator.iter_errors(view), key=lambda e: list(map(str, e.path))):
        path = list(error.absolute_path)
        if _is_dated(path):
            continue
        if not path:
            problems.append(f"(top level): {error.message}")
            continue
        head = str(path[0])
        if len(path) > 1 and head in picked and isinstance(path[1], int):
            text = _where(data, head, picked[head][path[1]])
            rest = path[2:]
        else:
            text, rest = head, path[1:]
        for part in rest:
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
        problems.append(f"{text}: {error.message}")
    return problems


def _records(data: dict[str, Any], kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    value = data.get(kind, [])
    for index, record in enumerate(value if isinstance(value, list) else []):
        if isinstance(record, dict):
            yield index, record


def _key_index(data: dict[str, Any], problems: list[str]) -> dict[str, set[int]]:
    """Keys present per kind; duplicates reported (groups share one key space)."""
    known: dict[str, set[int]] = {}
    first_seen: dict[str, dict[int, str]] = {}
    for kind in LISTS:
        space = "groups" if kind in GROUP_LISTS else kind
        seen = first_seen.setdefault(space, {})
        known[kind] = set()
        for index, record in _records(data, kind):
            key = record.get("key")
            if not isinstance(key, int) or isinstance(key, bool) or key < 1:
                problems.append(f"{kind}[{index}]: key must be a positive integer, got {key!r}")
                continue
            if key in seen:
                what = "group key" if space == "groups" else "duplicate key"
                problems.append(
                    f"{_where(data, kind, index)}: {what} {key} is also used by {seen[key]}"
                )
            else:
                seen[key] = f"{kind}[{index}]"
            known[kind].add(key)
    rubric_seen: dict[int, str] = {}
    known["rubrics"] = set()
    for index, family in _records(data, "families"):
        for r, rubric in enumerate(family.get("rubrics") or []):
            key = rubric.get("key") if isinstance(rubric, dict) else None
            if not isinstance(key, int):
                continue
            where = f"{_where(data, 'families', index)}.rubrics[{r}]"
            if key in rubric_seen:
                problems.append(f"{where}: rubric key {key} is also used by {rubric_seen[key]}")
            rubric_seen[key] = where
            known["rubrics"].add(key)
    return known


def _reference_problems(data: dict[str, Any], known: dict[str, set[int]]) -> list[str]:
    problems: list[str] = []
    for kind, fields in REFERENCES.items():
        for index, record in _records(data, kind):
            for field, target, noun in fields:
                value = record.get(field)
                if value is None:
                    continue
                values = value if isinstance(value, list) else [value]
                for i, ref in enumerate(values):
                    if isinstance(ref, int) and ref not in known[target]:
                        at = f".{field}[{i}]" if isinstance(value, list) else f".{field}"
                        problems.append(
                            f"{_where(data, kind, index)}{at}: {noun} {ref} does not exist"
                        )
    return problems


def _base_problems(data: dict[str, Any]) -> tuple[list[str], date | None]:
    base = data.get("base")
    if not isinstance(base, dict):
        return [], None
    problems: list[str] = []
    first: date | None = None
    parsed = parse_when(base.get("first_day"), DATE)
    if parsed is None:
        problems.append(when_problem("base.first_day", base.get("first_day"), DATE))
    else:
        first = parsed.date()
        if first.weekday() != 0:
            problems.append(f"base.first_day: {first} is not a Monday")
    try:
        ZoneInfo(str(base.get("timezone")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"base.timezone: unknown time zone {base.get('timezone')!r}")
    return problems, first


def _course_problems(data: dict[str, Any], first: date | None) -> list[str]:
    """Structure rules and one seance per HP week (the session key must be unique)."""
    problems: list[str] = []
    structure = {c.get("key"): c.get("structure", "simple") for _, c in _records(data, "courses")}
    for index, course in _records(data, "courses"):
        where = _where(data, "courses", index)
        kind, parent = course.get("structure", "simple"), course.get("parent")
        if kind == "child" and parent is None:
            problems.append(f"{where}: a child course needs a parent")
        if isinstance(parent, int) and structure.get(parent, "parent") != "parent":
            problems.append(f"{where}.parent: course {parent} is not a parent course")
        raw = course.get("seances")
        seances: list[Any] = raw if isinstance(raw, list) else []
        if kind == "parent" and seances:
            problems.append(f"{where}: a parent course carries no seances (its children do)")
        weeks: dict[int, int] = {}
        for s, seance in enumerate(seances):
            if not isinstance(seance, dict):
                continue  # the schema reports it
            at = parse_when(seance.get("start"), DATETIME)
            if at is None:
                problems.append(
                    when_problem(f"{where}.seances[{s}].start", seance.get("start"), DATETIME)
                )
                continue
            if first is None:
                continue
            week = (at.date() - first).days // 7 + 1
            if week in weeks:
                problems.append(
                    f"{where}.seances[{s}]: second seance in HP week {week} "
                    f"(seances[{weeks[week]}] is already there)"
                )
            weeks.setdefault(week, s)
    return problems


def _date_problems(data: dict[str, Any]) -> list[str]:
    """Every date field of every record, then periods that end before they start."""
    problems: list[str] = []
    for kind, fields in DATED.items():
        for index, record in _records(data, kind):
            parsed: dict[str, datetime] = {}
            for field, (pattern, nullable) in fields.items():
                value = record.get(field)
                when = parse_when(value, pattern)
                if when is not None:
                    parsed[field] = when
                elif value is not None or not nullable:
                    where = f"{_where(data, kind, index)}.{field}"
                    problems.append(when_problem(where, value, pattern))
            if "start" in parsed and "end" in parsed and parsed["end"] < parsed["start"]:
                end = record["end"]
                problems.append(f"{_where(data, kind, index)}: ends ({end}) before it starts")
    return problems


def validate_school(data: dict[str, Any]) -> list[str]:
    """Every problem of a school snapshot, each located; an empty list means valid."""
    if not isinstance(data, dict):
        return ["(top level): a school snapshot is a JSON object"]
    problems = _schema_problems(data)
    known = _key_index(data, problems)
    problems += _reference_problems(data, known)
    base_problems, first = _base_problems(data)
    problems += base_problems
    problems += _course_problems(data, first)
    problems += _date_problems(data)
    return problems


def load_school(path: Path) -> dict[str, Any]:
    """Read and validate a school file; UsageError lists the problems (at most 50)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read school file {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc}") from None
    problems = validate_school(data)
    if problems:
        shown = problems[:MAX_SHOWN]
        if len(problems) > MAX_SHOWN:
            shown.append(f"and {len(problems) - MAX_SHOWN} more")
        raise UsageError(
            f"{path}: {len(problems)} problem(s) in the school file:\n  " + "\n  ".join(shown),
            hint="see docs/snapshot-format.md; `hpsync generate-school` writes a valid example",
        )
    loaded: dict[str, Any] = data
    return loaded
