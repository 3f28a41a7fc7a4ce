"""Match people across two bases by stable identifiers (pure).

Keys are internal to one base; a person is the same across years when an identifier,
the INE or the e-mail agree, tried in the configured order. A value shared by several
people on either side is ambiguous and never used to match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from hpsync.model import Kind, Learner, Snapshot, Trainer, Tutor

P = TypeVar("P", Learner, Trainer, Tutor)

DEFAULT_ORDER = ("identifier", "ine", "email")
FICTITIOUS = "fictitious"  # engine.desired.FICTITIOUS_TRAINER_KEY


@dataclass
class KindMatching:
    """The matching of one kind of person."""

    kind: Kind
    pairs: dict[int, tuple[int, str]] = field(default_factory=dict)  # old key -> (new key, by)
    ambiguous: list[str] = field(default_factory=list)
    leavers: list[int] = field(default_factory=list)
    joiners: list[int] = field(default_factory=list)


def _norm(value: str | None) -> str:
    return (value or "").strip().casefold()


def _getter(kind: Kind, criterion: str) -> Callable[[object], str]:
    def get(person: object) -> str:
        if criterion == "email":
            return _norm(getattr(person, "email", None))
        if criterion == "identifier":
            attr = "code" if kind is Kind.TRAINER else "identifier"
            return _norm(getattr(person, attr, None))
        if criterion == "ine":
            return _norm(getattr(person, "ine", None))
        raise ValueError(f"unknown matching criterion {criterion!r}")

    return get


def _index(people: Iterable[P], get: Callable[[object], str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for person in people:
        value = get(person)
        if value:
            out.setdefault(value, []).append(person.key)
    return out


def match_kind(
    kind: Kind, old: Mapping[int, P], new: Mapping[int, P], order: Sequence[str]
) -> KindMatching:
    """Pair old and new people of one kind, criterion by criterion."""
    result = KindMatching(kind)
    taken: set[int] = set()
    left = dict(old)
    for criterion in order:
        get = _getter(kind, criterion)
        new_index = _index(new.values(), get)
        old_index = _index(left.values(), get)
        for key, person in sorted(left.items()):
            value = get(person)
            if not value:
                continue
            candidates = [k for k in new_index.get(value, []) if k not in taken]
            if len(candidates) == 1 and len(old_index.get(value, [])) == 1:
                result.pairs[key] = (candidates[0], criterion)
                taken.add(candidates[0])
            elif len(candidates) > 1 or len(old_index.get(value, [])) > 1:
                result.ambiguous.append(
                    f"{kind.value} {key} ({getattr(person, 'first_name', '')} "
                    f"{getattr(person, 'last_name', '')}): {criterion} {value!r} is shared by "
                    f"{len(candidates)} new and {len(old_index.get(value, []))} old record(s)"
                )
        left = {k: v for k, v in left.items() if k not in result.pairs}
    result.leavers = sorted(left)
    result.joiners = sorted(k for k in new if k not in taken)
    result.ambiguous = sorted(set(result.ambiguous))
    return result


def match_people(
    old: Snapshot, new: Snapshot, order: Sequence[str] = DEFAULT_ORDER
) -> dict[Kind, KindMatching]:
    """Learners, trainers and tutors matched across the two bases."""
    return {
        Kind.LEARNER: match_kind(Kind.LEARNER, old.learners, new.learners, order),
        Kind.TRAINER: match_kind(Kind.TRAINER, old.trainers, new.trainers, order),
        Kind.TUTOR: match_kind(Kind.TUTOR, old.tutors, new.tutors, ("email",)),
    }


def renames(old: Snapshot, new: Snapshot, matching: Mapping[Kind, KindMatching]) -> dict[str, str]:
    """Old source identity → new source identity for every matched person (and the
    configured fictitious trainer, who is the same person every year)."""
    names: dict[str, str] = {
        old.sid(kind, old_key): new.sid(kind, new_key)
        for kind, m in matching.items()
        for old_key, (new_key, _by) in m.pairs.items()
    }
    names[old.sid(Kind.TRAINER, FICTITIOUS)] = new.sid(Kind.TRAINER, FICTITIOUS)
    return names
