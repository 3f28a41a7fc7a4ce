"""Edusign absence reasons → Hyperplanning motifs (pure).

Hyperplanning's motifs are a fixed list named by their designation (``TousLesMotifs``,
S-FSEN); an Edusign reason label sent as is will rarely be one of them. The account's
``[accounts.attendance.motifs]`` table maps reasons to motifs; a reason that is neither
mapped nor a motif itself is reported and the absence is written without a motif.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class MotifTable:
    """The account's mapping, checked against the server's motifs when it lists them."""

    mapping: Mapping[str, str]
    known: frozenset[str] | None = None  # None: the server does not list its motifs

    def motif(self, reason: str) -> tuple[str, str]:
        """(motif to write or "", problem to report or "") for one Edusign reason."""
        if not reason.strip():
            return "", ""
        table = {_key(k): v for k, v in self.mapping.items()}
        mapped = table.get(_key(reason))
        if mapped is not None:
            return mapped, ""
        if self.known is not None:
            exact = {_key(m): m for m in self.known}
            if _key(reason) in exact:
                return exact[_key(reason)], ""
            return "", (
                f"the Edusign reason {reason!r} is not a Hyperplanning motif: absence written "
                "without a motif; map it under [accounts.attendance.motifs]"
            )
        return reason, ""  # nothing to check against: sent as is

    def problems(self) -> list[str]:
        """Mapped motifs the server does not have (a typo in the table)."""
        if self.known is None:
            return []
        known = {_key(m) for m in self.known}
        return [
            f"[accounts.attendance.motifs] maps {reason!r} to {motif!r}, which is not one of "
            "this Hyperplanning's motifs (see `hpsync doctor --capture`)"
            for reason, motif in sorted(self.mapping.items())
            if _key(motif) not in known
        ]


def table_of(mapping: Mapping[str, str], known: Collection[str] | None) -> MotifTable:
    return MotifTable(dict(mapping), frozenset(known) if known is not None else None)
