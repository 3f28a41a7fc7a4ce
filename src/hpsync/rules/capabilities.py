"""What an account's rules need from the Service Web, against what it offers (pure).

A school's server may lack operations (``hyperplanning/capabilities.py``). A rule that
cannot be honoured without one is refused for that account (selecting learners by rubric
with no way to read a learner's rubrics would sync the wrong people); a feature that can
simply be off (exemptions, tutors) is turned off with a warning in the plan.
"""

from __future__ import annotations

from collections.abc import Set

from hpsync.rules.policy import AccountRules

#: capability key -> what is lost, for features an account may use
OFF_WARNINGS = {
    "exemptions": "exemptions are off (the Service Web offers no exemption operation): "
    "exempted learners stay on their sessions",
    "tutors": "tutors are off (the Service Web offers no tutor operation): tutors are not "
    "synced and receive no report",
    "cancelled": "cancelled séances are not readable on this Service Web: only placed "
    "séances are synced",
    "rooms": "rooms are off on this Service Web: sessions are sent without a room",
}


def blocking(rules: AccountRules, unavailable: Set[str]) -> list[str]:
    """Capabilities this account's rules need that the server lacks (the account stops)."""
    out: list[str] = []
    if (rules.learner_couples or rules.tag_families) and (
        {"families", "learner_rubrics"} & unavailable
    ):
        out.append("learner_rubrics")
    if (rules.course_include or rules.course_exclude) and (
        {"families", "course_rubrics"} & unavailable
    ):
        out.append("course_rubrics")
    return out


def warnings(rules: AccountRules, unavailable: Set[str]) -> list[str]:
    """Features of this account that are off on this server, one sentence each."""
    used = {"exemptions": rules.exemptions, "tutors": rules.tutors, "cancelled": True}
    used["rooms"] = True
    return [text for key, text in OFF_WARNINGS.items() if key in unavailable and used[key]]
