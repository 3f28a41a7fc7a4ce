"""One vocabulary for what people read: counts, outcomes, statuses, kinds and flows.

Runs store their figures under code keys (``writes_planned``, ``written.absence.rewrite``,
``hand_made``); those keys are the machine's words and stay in ``--json`` and the logs.
The dashboard, the demo report and the e-mails show the words below instead, in the
reader's language: a key never reaches a person raw, and the same key reads the same
everywhere. A key this module does not know still shows as readable words (``sheets_new``
→ "sheets new"), never as the bare key, and a test lists the keys hpsync writes.

The English labels are the gettext msgids; ``hpsync.locale`` translates them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from hpsync.locale import N_, Reader

# Figures of a run (``down_counts``, ``up_counts``, the demo's call counts).
COUNTS: Final[Mapping[str, str]] = {
    "created": N_("created"),
    "updated": N_("updated"),
    "removed": N_("removed"),
    "adopted": N_("adopted (already on Edusign)"),
    "unchanged": N_("unchanged"),
    "protected": N_("kept as they are (locked, signed or past)"),
    "hand_made": N_("made by hand in Edusign"),
    "drift": N_("edited by hand after hpsync"),
    "anomalies": N_("anomalies to fix in Hyperplanning"),
    "writes_planned": N_("writes planned"),
    "failed": N_("failed"),
    "batches": N_("write batches"),
    "sheets_final": N_("final sheets"),
    "sheets_open": N_("sheets still open"),
    "marks_read": N_("marks read"),
    "changes_planned": N_("changes planned"),
    "notes": N_("notes"),
    "hand_added": N_("learners added by hand to a sheet"),
    "already_in_sync": N_("already in Hyperplanning"),
    "not_supported": N_("not supported by Hyperplanning"),
    "held": N_("held: overlaps an absence entered by someone else"),
    "sheets_read": N_("sheets read on Edusign (all)"),
    "sheets_read_changed": N_("sheets read on Edusign (changed since the last sync)"),
    "api_calls": N_("Edusign calls"),
    "write_calls": N_("Edusign write calls"),
}

# ``written.<kind>.<op>``: what the up flow wrote into Hyperplanning, one label per pair
# (a language agrees the verb with the kind: "absences saisies", "retards saisis").
MARK_KINDS: Final[Mapping[str, str]] = {
    "absence": N_("absences"),
    "delay": N_("late arrivals"),
    "early_departure": N_("early departures"),
}
WRITTEN: Final[Mapping[tuple[str, str], str]] = {
    ("absence", "write"): N_("absences entered in Hyperplanning"),
    ("absence", "rewrite"): N_("absences corrected in Hyperplanning"),
    ("absence", "remove"): N_("absences removed from Hyperplanning"),
    ("delay", "write"): N_("late arrivals entered in Hyperplanning"),
    ("delay", "rewrite"): N_("late arrivals corrected in Hyperplanning"),
    ("delay", "remove"): N_("late arrivals removed from Hyperplanning"),
    ("early_departure", "write"): N_("early departures entered in Hyperplanning"),
    ("early_departure", "rewrite"): N_("early departures corrected in Hyperplanning"),
    ("early_departure", "remove"): N_("early departures removed from Hyperplanning"),
}

# What a plan does with one record (``Action``).
ACTIONS: Final[Mapping[str, str]] = {
    "create": N_("to create"),
    "update": N_("to update"),
    "remove": N_("to remove"),
    "unchanged": N_("unchanged"),
    "adopt": N_("already on Edusign: adopt"),
    "forget": N_("gone from both sides: forget"),
    "protected": N_("must not change: keep"),
    "hand_made": N_("made outside hpsync: leave alone"),
}

# Record kinds as a plan item or a chart names them.
KINDS: Final[Mapping[str, str]] = {
    "learner": N_("learners"),
    "trainer": N_("trainers"),
    "tutor": N_("tutors"),
    "group": N_("groups"),
    "session": N_("sessions"),
    "anomaly": N_("anomalies"),
    **MARK_KINDS,
}
KIND_ONE: Final[Mapping[str, str]] = {
    "learner": N_("learner"),
    "trainer": N_("trainer"),
    "tutor": N_("tutor"),
    "group": N_("group"),
    "session": N_("session"),
}

# A run's outcome, an account's health, a ledger row's or an e-mail's status.
STATUSES: Final[Mapping[str, str]] = {
    "ok": N_("ok"),
    "partial": N_("partly done"),
    "failed": N_("failed"),
    "failing": N_("failing"),
    "refused": N_("refused by a guard"),
    "planned": N_("planned only"),
    "error": N_("error"),
    "running": N_("running"),
    "never run": N_("never run"),
    "written": N_("written"),
    "removed": N_("removed"),
    "pending": N_("waiting"),
    "sent": N_("sent"),
    "dry_run": N_("written to a folder (dry run)"),
    "noop": N_("reported only"),
    "done": N_("done"),
}

FLOWS: Final[Mapping[str, str]] = {
    "down": N_("planning → Edusign"),
    "up": N_("attendance → Hyperplanning"),
}

# Attendance on a sheet, as a chart shows it (``hpsync.web.figures``).
ATTENDANCE: Final[Mapping[str, str]] = {
    "present": N_("present"),
    "late": N_("late"),
    "early_departure": N_("left early"),
    "absent": N_("absent"),
}

# Route classes of Edusign's rate limits.
ROUTE_CLASSES: Final[Mapping[str, str]] = {
    "normal": N_("ordinary calls"),
    "heavy": N_("heavy calls (batches)"),
}

# How a record drifted from what hpsync wrote (``PlanItem.drift``).
DRIFT: Final[Mapping[str, str]] = {
    "edited": N_("edited by hand in Edusign"),
    "deleted": N_("deleted by hand in Edusign"),
    "duplicate": N_("same external id twice"),
    "hand_made": N_("created by hand in Edusign"),
}

# Why a protected sheet was kept: the engine's reason names one of these.
_KEPT: Final = (
    ("locked", N_("kept: locked sheet")),
    ("signed", N_("kept: signed sheet")),
    ("already over", N_("kept: session over")),
)


def _words(key: str) -> str:
    """An unknown key as words: never show ``snake_case`` to a person."""
    return key.replace("_", " ").replace(".", " ")


def count_label(key: str, reader: Reader) -> str:
    """The words for a count key, ``written.<kind>.<op>`` included."""
    if key in COUNTS:
        return reader.gettext(COUNTS[key])
    if key.startswith("written."):
        kind, _, op = key.removeprefix("written.").partition(".")
        if (kind, op or "write") in WRITTEN:
            return reader.gettext(WRITTEN[(kind, op or "write")])
        what = reader.gettext(MARK_KINDS[kind]) if kind in MARK_KINDS else _words(kind)
        return reader.gettext("{what}: written in Hyperplanning", what=what)
    return _words(key)


def labelled_counts(counts: Mapping[str, int], reader: Reader) -> list[tuple[str, str, int]]:
    """``(key, label, value)`` for each count, in the order a reader expects: what was
    written first, then what was kept or only reported, then everything else."""
    order = {key: n for n, key in enumerate(COUNTS)}

    def rank(key: str) -> tuple[int, str]:
        if key.startswith("written."):
            return (-1, key)
        return (order.get(key, len(order)), key)

    return [(k, count_label(k, reader), counts[k]) for k in sorted(counts, key=rank)]


def counts_sentence(counts: Mapping[str, int], reader: Reader, *, skip_zero: bool = True) -> str:
    """``created 3, updated 1`` in the reader's words (``nothing`` when all are zero)."""
    parts = [
        f"{label} {value}"
        for _key, label, value in labelled_counts(counts, reader)
        if value or not skip_zero
    ]
    return ", ".join(parts) or reader.gettext("nothing")


def status_label(status: str | None, reader: Reader) -> str:
    """A run outcome, health, ledger or e-mail status in words (None: still running)."""
    key = status or "running"
    return reader.gettext(STATUSES[key]) if key in STATUSES else _words(key)


def action_label(action: str, reader: Reader) -> str:
    """What the plan does with a record."""
    return reader.gettext(ACTIONS[action]) if action in ACTIONS else _words(action)


def kind_label(kind: str, reader: Reader, *, one: bool = False) -> str:
    """A record kind (plural by default, for headings and charts)."""
    table = KIND_ONE if one else KINDS
    return reader.gettext(table[kind]) if kind in table else _words(kind)


def flow_label(flow: str, reader: Reader) -> str:
    """``down`` and ``up`` as the direction a person understands."""
    return reader.gettext(FLOWS[flow]) if flow in FLOWS else _words(flow)


def attendance_label(status: str, reader: Reader) -> str:
    """Present, late, left early, absent."""
    return reader.gettext(ATTENDANCE[status]) if status in ATTENDANCE else _words(status)


def drift_label(drift: str, reader: Reader) -> str:
    """What happened to a record behind hpsync's back."""
    return reader.gettext(DRIFT[drift]) if drift in DRIFT else _words(drift)


def route_class_label(route_class: str, reader: Reader) -> str:
    """Edusign's two rate classes."""
    if route_class in ROUTE_CLASSES:
        return reader.gettext(ROUTE_CLASSES[route_class])
    return _words(route_class)


def outcome_label(action: str, outcome: str, reason: str, reader: Reader) -> str:
    """What happened to one plan item, in words that say it.

    The store keeps ``done`` for every item the executor recorded, whatever it did: a
    protected sheet that was left as it is must not read "done". The words depend on
    what the plan meant to do, and for a kept sheet on why it was kept.
    """
    if outcome == "failed":
        return reader.gettext("failed")
    if action == "protected":  # never written, whatever the row says
        for word, label in _KEPT:
            if word in reason:
                return reader.gettext(label)
        return reader.gettext("kept as it is")
    if action == "hand_made":
        return reader.gettext("left alone: made outside hpsync")
    if outcome == "pending":
        return reader.gettext("not written: the run stopped before it")
    if action == "adopt" and outcome in ("done", "noop"):
        if any(word in reason for word, _ in _KEPT):
            return reader.gettext("adopted as it is: sheet closed")
        return reader.gettext("adopted: linked to its Edusign record")
    if action == "forget" and outcome in ("done", "noop"):
        return reader.gettext("forgotten: gone from both sides")
    if outcome == "done":
        done = {
            "create": N_("created in Edusign"),
            "update": N_("updated in Edusign"),
            "remove": N_("removed from Edusign"),
        }
        return reader.gettext(done[action]) if action in done else reader.gettext("done")
    if outcome == "noop":
        return reader.gettext("reported only: nothing written")
    return status_label(outcome, reader)


def known_keys() -> Iterable[str]:
    """Every count key this vocabulary names (``written.*`` as its own family)."""
    return COUNTS.keys()


def run_summary(
    run_id: int, flow: str, outcome: str, counts: Mapping[str, int], reader: Reader
) -> str:
    """One line per run for people: its number, flow, outcome and figures in words."""
    return reader.gettext(
        "run {id} ({flow}): {outcome}; {figures}",
        id=run_id,
        flow=flow_label(flow, reader),
        outcome=status_label(outcome, reader),
        figures=counts_sentence(counts, reader),
    )
