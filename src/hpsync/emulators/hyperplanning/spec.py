"""The emulator's own specification of the Service Web, with the evidence for each operation.

Why it exists: an emulator that builds its WSDL from the client's table agrees with every
wrong name or parameter of the client. This table is the emulator's, written from the
references (``shared/reference/evidence-2026-12.md`` and ``hyperplanning-api.md``), and
nothing here is imported from the client.

Each operation carries its **verdict** — C: two or more independent public sources; P:
one; I: none (a guess); X: contradicted by public evidence — and the source tags it rests
on. Operations the evidence file does not list (it covers what the client called in
November 2026) get a verdict by the same rule from ``hyperplanning-api.md``'s source tags.
``params_verdict`` is set when the parameter *names* are weaker than the operation itself
(e.g. ``AAbsence``: every public client calls those getters positionally).

Two profiles:

* ``full`` (default): everything the emulator can answer, guesses included, in the shapes
  the client uses today (``CreerRetardEtudiant`` with a duration in days);
* ``public``: only C and P operations, in their public shape (``CreerRetardEtudiant``
  with a start and an end date-time).
"""

from __future__ import annotations

from hpsync.emulators.hyperplanning.spec_model import (
    PROFILES,
    PUBLIC_VERDICTS,
    Operation,
    Params,
    Profile,
    Verdict,
)
from hpsync.emulators.hyperplanning.spec_table import MOTIFS, OPERATIONS

__all__ = [
    "INTERFACES",
    "MOTIFS",
    "OPERATIONS",
    "PROFILES",
    "PUBLIC_VERDICTS",
    "Operation",
    "Params",
    "Profile",
    "Verdict",
    "by_name",
    "evidence_markdown",
    "interfaces",
    "operations",
    "service_of",
    "shapes",
]

#: Every interface the emulator knows, in WSDL order.
INTERFACES: tuple[str, ...] = tuple(dict.fromkeys(op.interface for op in OPERATIONS))


def operations(profile: Profile) -> tuple[Operation, ...]:
    """The operations one profile serves, in table order (names are unique per profile)."""
    return _BY_PROFILE[profile]


def by_name(profile: Profile) -> dict[str, Operation]:
    """One profile's operations by name."""
    return _NAMES[profile]


def interfaces(profile: Profile) -> tuple[str, ...]:
    """The interfaces that have at least one operation in a profile."""
    served = {op.interface for op in operations(profile)}
    return tuple(i for i in INTERFACES if i in served)


def service_of(interface: str) -> str:
    """The wsdl:service holding an interface's port (S-JAVA, S-QR)."""
    return "HpSvcWAdmin" if interface == "Admin" else "HpSvcWDonnees"


def shapes(name: str) -> tuple[Operation, ...]:
    """Every shape the emulator knows for an operation name, across profiles."""
    return tuple(op for op in OPERATIONS if op.name == name)


def _check(profile: Profile) -> tuple[Operation, ...]:
    ops = tuple(op for op in OPERATIONS if profile in op.profiles)
    names = [op.name for op in ops]
    if len(names) != len(set(names)):
        raise ValueError(f"profile {profile}: an operation name appears twice")
    return ops


_BY_PROFILE: dict[Profile, tuple[Operation, ...]] = {p: _check(p) for p in PROFILES}
_NAMES: dict[Profile, dict[str, Operation]] = {
    p: {op.name: op for op in ops} for p, ops in _BY_PROFILE.items()
}


def evidence_markdown() -> str:
    """The evidence table of docs/hyperplanning.md, generated so the doc cannot drift.

    Regenerate with ``python -c "from hpsync.emulators.hyperplanning.spec import
    evidence_markdown; print(evidence_markdown())"``.
    """
    counts = []
    for profile in PROFILES:
        ops = operations(profile)
        by_verdict = ", ".join(
            f"{v} {n}" for v in ("C", "P", "I", "X") if (n := sum(op.verdict == v for op in ops))
        )
        counts.append(f"`{profile}`: {len(ops)} operations ({by_verdict})")
    lines = [
        "Served: " + " · ".join(counts) + ".",
        "",
        "| Operation | Interface | Parameters | Verdict | Sources | Profiles | Note |",
        "|---|---|---|---|---|---|---|",
    ]
    for op in OPERATIONS:
        verdict = op.verdict + (f" (names {op.params_verdict})" if op.params_verdict else "")
        params = ", ".join(n for n, _ in op.params) or "–"
        sources = ", ".join(op.sources) or "none"
        served = ", ".join(p for p in PROFILES if p in op.profiles)
        lines.append(
            f"| `{op.name}` | {op.interface} | {params} | {verdict} | {sources} | {served} "
            f"| {op.note} |"
        )
    return "\n".join(lines) + "\n"
