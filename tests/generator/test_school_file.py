"""validate_school and load_school: every problem located, with an exact message."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.hyperplanning.school import school

from hpsync.emulators import school_file
from hpsync.emulators.generator import generate_school
from hpsync.emulators.school_file import load_school, validate_school
from hpsync.errors import UsageError

Edit = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return edit


CASES: list[tuple[str, Edit, str]] = [
    (
        "dangling promotion",
        _set("students/1/promotions/0", 99),
        "students[1] (key 2).promotions[0]: promotion 99 does not exist",
    ),
    (
        "dangling tutor",
        _set("students/0/tutors", [7]),
        "students[0] (key 1).tutors[0]: tutor 7 does not exist",
    ),
    (
        "dangling course teacher",
        _set("courses/0/teachers", [1, 9]),
        "courses[0] (key 1).teachers[1]: teacher 9 does not exist",
    ),
    (
        "dangling parent",
        _set("courses/3/parent", 42),
        "courses[3] (key 4).parent: course 42 does not exist",
    ),
    (
        "duplicate tutor key",
        lambda d: d["tutors"].append(dict(d["tutors"][0])),
        "tutors[1] (key 1): duplicate key 1 is also used by tutors[0]",
    ),
    (
        "group key shared across kinds",
        lambda d: d["regroupements"].append({"key": 101, "name": "Doublon", "code": None}),
        "regroupements[1] (key 101): group key 101 is also used by td_options[0]",
    ),
    (
        "exemption of an unknown subject",
        _set("exemptions/0/subject", 5),
        "exemptions[0] (key 1).subject: subject 5 does not exist",
    ),
    (
        "missing required field",
        lambda d: d["students"][1].pop("last_name"),
        "students[1] (key 2): 'last_name' is a required property",
    ),
    (
        "wrong format",
        _set("format", "hpsync-school/2"),
        "format: 'hpsync-school/1' was expected",
    ),
    (
        "first day not a Monday",
        _set("base/first_day", "2025-09-02"),
        "base.first_day: 2025-09-02 is not a Monday",
    ),
    (
        "two seances in one week",
        _set("courses/0/seances/1/start", "2025-09-10T08:00:00"),
        "courses[0] (key 1).seances[1]: second seance in HP week 2 (seances[0] is already there)",
    ),
    (
        "seance date-time without seconds",
        _set("courses/1/seances/0/start", "2025-09-09 10:15"),
        'courses[1] (key 2).seances[0].start: "2025-09-09 10:15" is not a date-time '
        "YYYY-MM-DDTHH:MM:SS",
    ),
    (
        "seance date-time in month 13",
        _set("courses/1/seances/0/start", "2025-13-01T08:00:00"),
        'courses[1] (key 2).seances[0].start: "2025-13-01T08:00:00" is not a date-time '
        "YYYY-MM-DDTHH:MM:SS",
    ),
    (
        "first day that is not a date",
        _set("base/first_day", "2025-9-1"),
        'base.first_day: "2025-9-1" is not a date YYYY-MM-DD',
    ),
    (
        "impossible exemption date",
        _set("exemptions/0/end", "2026-02-30"),
        'exemptions[0] (key 1).end: "2026-02-30" is not a date YYYY-MM-DD',
    ),
    (
        "birth date as a number",
        _set("students/0/birth_date", 20050314),
        "students[0] (key 1).birth_date: 20050314 is not a date YYYY-MM-DD",
    ),
    (
        "parent course with seances",
        _set("courses/2/seances", [{"start": "2025-09-10T13:00:00", "duration_days": 0.125}]),
        "courses[2] (key 3): a parent course carries no seances (its children do)",
    ),
    (
        "exemption ending before it starts",
        _set("exemptions/1/end", "2025-09-30"),
        "exemptions[1] (key 2): ends (2025-09-30) before it starts",
    ),
]


def test_hand_made_school_is_valid() -> None:
    """The hand-made test school passes validation as it is."""
    assert validate_school(school()) == []


@pytest.mark.parametrize(("name", "edit", "message"), CASES, ids=[c[0] for c in CASES])
def test_invalid_snapshot_message(name: str, edit: Edit, message: str) -> None:
    """Each broken snapshot yields exactly the expected, located message."""
    data = school()
    edit(data)
    assert validate_school(data) == [message]


def test_dates_are_checked_beyond_the_schema_sample() -> None:
    """A bad date in a course the schema sample skips is still reported, once."""
    data = generate_school("M", 1)
    skipped = sorted(
        set(range(len(data["courses"]))) - set(school_file._sample(len(data["courses"])))
    )
    index = next(i for i in skipped if data["courses"][i]["seances"])
    data["courses"][index]["seances"][0]["start"] = "2026-09-07T8:00:00"
    key = data["courses"][index]["key"]
    assert validate_school(data) == [
        f'courses[{index}] (key {key}).seances[0].start: "2026-09-07T8:00:00" is not a '
        "date-time YYYY-MM-DDTHH:MM:SS"
    ]


def test_load_school_caps_the_list(tmp_path: Path) -> None:
    """load_school raises UsageError with at most 50 problems and says how many more."""
    data = generate_school("S", 1)
    for student in data["students"]:
        student["tutors"] = [9999, 9998]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_school(path)
    text = caught.value.message
    assert "60 problem(s)" in text
    assert text.count("does not exist") == 50
    assert text.endswith("and 10 more")


def test_load_school_rejects_bad_json(tmp_path: Path) -> None:
    """A file that is not JSON is a usage error naming the file."""
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(UsageError, match=r"broken\.json is not valid JSON"):
        load_school(path)
