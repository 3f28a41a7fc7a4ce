"""Adopting what already exists on Edusign instead of creating it twice (pure).

A school comes to hpsync with an Edusign account already full: people entered by hand or
imported, sessions made by another connector. Creating them again makes duplicates (or
fails: Edusign refuses a second professor with the same e-mail). A record hpsync never
wrote — no external id, or one that is not hpsync's — is *adopted* when it matches a
planned record: learners and trainers by e-mail (learners also by their Hyperplanning
identifier, kept as Edusign's file number); sessions, when the account allows it, by the
same start, end and trainers, the name compared loosely. Adoption sets hpsync's external
id on the record (and the planning's fields), and is shown in the plan as ``adopt``.
A value shared by several candidates is ambiguous and never used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from hpsync.engine.desired import Desired, DesiredLearner, DesiredSession, DesiredTrainer
from hpsync.engine.remote import RemoteRecord
from hpsync.hashing import canonical_value
from hpsync.model import Kind

OURS = "hp:"


def is_foreign(record: RemoteRecord) -> bool:
    """Never written by hpsync: no external id, or another tool's."""
    return not record.api_id.startswith(OURS)


def _norm(text: object) -> str:
    return str(text or "").strip().casefold()


def _words(name: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return {w for w in re.split(r"[^a-z0-9]+", plain) if w}


def names_agree(planned: str, found: str) -> bool:
    """Loose name comparison: equal once normalised, one inside the other, or sharing at
    least half of their words (another connector may prefix a code or drop accents)."""
    a, b = _words(planned), _words(found)
    if not a or not b:
        return not a and not b
    if a <= b or b <= a:
        return True
    return len(a & b) / len(a | b) >= 0.5


@dataclass
class Candidates:
    """The foreign records of one kind, indexed by the keys a planned record may match."""

    kind: Kind
    by_key: dict[tuple[str, object], list[RemoteRecord]] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    ambiguous: dict[str, str] = field(default_factory=dict)  # planned sid -> why not adopted

    def add(self, key: tuple[str, object], record: RemoteRecord) -> None:
        if key[1] in ("", None, ()):
            return
        self.by_key.setdefault(key, []).append(record)

    def find(
        self,
        sid: str,
        keys: Iterable[tuple[str, object]],
        accept: Callable[[RemoteRecord], bool] = lambda r: True,
        rank: Callable[[RemoteRecord], tuple[int, ...]] = lambda r: (),
    ) -> tuple[RemoteRecord, str] | None:
        """The free candidate matching the first key that matches any (live first); among
        several, the one ``rank`` puts first; sheets alike in every field are
        interchangeable (people never are: two records of one person are a duplicate to
        merge by hand); otherwise the match is ambiguous and nothing is adopted."""
        for key in keys:
            found = [
                r for r in self.by_key.get(key, []) if r.remote_id not in self.taken and accept(r)
            ]
            if not found:
                continue
            live = [r for r in found if not r.archived] or found
            best = max(rank(r) for r in live)
            top = sorted((r for r in live if rank(r) == best), key=lambda r: r.remote_id)
            alike = self.kind is Kind.SESSION and all(r.fields == top[0].fields for r in top)
            if len(top) > 1 and not alike:
                self.ambiguous[sid] = (
                    f"{len(top)} records on Edusign share its {key[0]}: not adopted, "
                    "merge them by hand in Edusign"
                )
                return None
            self.taken.add(top[0].remote_id)
            return top[0], key[0]
        return None


def candidates(kind: Kind, foreign: Iterable[RemoteRecord]) -> Candidates:
    """Index the foreign records of ``kind`` by e-mail / identifier / session slot."""
    found = Candidates(kind)
    for record in foreign:
        fields = record.fields
        if kind in (Kind.LEARNER, Kind.TRAINER):
            found.add(("e-mail", _norm(fields.get("email"))), record)
        if kind is Kind.LEARNER:
            found.add(("identifier", _norm(fields.get("file_number"))), record)
        if kind is Kind.SESSION:
            trainers = tuple(sorted(fields.get("trainer_sids") or ()))
            found.add(("slot", (fields.get("start"), fields.get("end"), trainers)), record)
    return found


def keys_of(want: Desired, tokens: Mapping[str, str]) -> list[tuple[str, object]]:
    """The keys a planned record is looked up by, in order of trust."""
    if isinstance(want, DesiredLearner):
        return [("e-mail", _norm(want.email)), ("identifier", _norm(want.file_number))]
    if isinstance(want, DesiredTrainer):
        return [("e-mail", _norm(want.email))]
    if isinstance(want, DesiredSession):
        trainers = [tokens.get(t) for t in want.trainer_sids]
        if not trainers or any(t is None for t in trainers):
            return []  # a trainer not on Edusign yet: no session of theirs can exist
        slot = (
            canonical_value(want.start),
            canonical_value(want.end),
            tuple(sorted(str(t) for t in trainers)),
        )
        return [("slot", slot)]
    return []


def rank_of(want: Desired, tokens: Mapping[str, str]) -> Callable[[RemoteRecord], tuple[int, ...]]:
    """How well a candidate fits a planned session when several share its slot: the same
    name, then the most learners in common, then the same room."""
    if not isinstance(want, DesiredSession):
        return lambda record: ()
    name = _words(want.name)
    roster = {tokens[s] for s in want.learner_sids if s in tokens}

    def rank(record: RemoteRecord) -> tuple[int, ...]:
        fields = record.fields
        return (
            int(_words(str(fields.get("name") or "")) == name),
            len(roster & set(fields.get("learner_sids") or ())),
            int(fields.get("room") == want.room),
        )

    return rank


def token_of(record: RemoteRecord) -> str:
    """How a session read from Edusign names this trainer or learner (the account adapter
    gives the external id, or ``?`` and the Edusign id when there is none)."""
    return record.api_id or f"?{record.remote_id}"
