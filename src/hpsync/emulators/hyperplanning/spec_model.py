"""The shape of the emulator's specification: an operation, its verdict and profiles.

Kept apart from the table (spec_table.py) and its queries (spec.py) so that each stays
short; see spec.py for what the verdicts and profiles mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hpsync.emulators.hyperplanning.spec_types import DATE, DATETIME, cle, tab

Verdict = Literal["C", "P", "I", "X"]
Profile = Literal["full", "public"]
PROFILES: tuple[Profile, ...] = ("full", "public")
PUBLIC_VERDICTS: frozenset[str] = frozenset({"C", "P"})

Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Operation:
    """One SOAP operation as the emulator serves it, with its evidence."""

    interface: str  # "Cours" → portType IHpSvcWCours, port PortCours
    name: str
    params: Params  # (element name, type), in order
    returns: str | None  # result type (element "return"); None when nothing is returned
    verdict: Verdict
    sources: tuple[str, ...]  # source tags of the references; () when there are none
    profiles: frozenset[Profile]
    outputs: Params = ()  # several out-parameters instead of "return"
    params_verdict: Verdict | None = None  # when the parameter names are weaker
    note: str = ""
    handler: str = ""  # key in handlers.HANDLERS when it is not the name

    @property
    def handler_key(self) -> str:
        """Which handler answers this operation (two shapes of one name differ here)."""
        return self.handler or self.name

    @property
    def public(self) -> bool:
        """True when public evidence supports the operation (C or P)."""
        return self.verdict in PUBLIC_VERDICTS


def op(
    interface: str,
    name: str,
    params: Params,
    returns: str | None,
    verdict: Verdict,
    sources: str = "",
    *,
    outputs: Params = (),
    params_verdict: Verdict | None = None,
    note: str = "",
    profiles: tuple[Profile, ...] | None = None,
    handler: str = "",
) -> Operation:
    """One table row; C and P go to both profiles unless told, I and X to ``full`` only."""
    if profiles is None:
        profiles = PROFILES if verdict in PUBLIC_VERDICTS else ("full",)
    if "public" in profiles and verdict not in PUBLIC_VERDICTS:
        raise ValueError(f"{name}: a {verdict} operation cannot be in the public profile")
    return Operation(
        interface,
        name,
        params,
        returns,
        verdict,
        tuple(sources.split()),
        frozenset(profiles),
        outputs,
        params_verdict,
        note,
        handler,
    )


def key(entity: str) -> Params:
    """The single ``A<Entity>`` key parameter."""
    return ((f"A{entity}", cle(entity)),)


def keys(entity: str) -> Params:
    """The single ``ATableau`` parameter of a bulk ("…TableauDe…") getter."""
    return (("ATableau", tab(entity)),)


#: ``ADate1``/``ADate2`` dates, and ``ADateHeureDebut``/``ADateHeureFin`` date-times (C).
DATES2: Params = (("ADate1", DATE), ("ADate2", DATE))
INTERVAL: Params = (("ADateHeureDebut", DATETIME), ("ADateHeureFin", DATETIME))
NO_PARAMS: Params = ()
POSITIONAL = "public clients call it positionally; the parameter name is ours"
