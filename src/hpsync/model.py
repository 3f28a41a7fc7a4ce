"""The domain: plain, immutable records read from Hyperplanning, free of any I/O.

Every record carries a stable *source identity* ``hp:<base id>:<kind>:<key>``: it is what
hpsync stores as external id on the target (Edusign ``API_ID`` / ``externalReferenceId``),
so a rerun or a crash-then-rerun finds the record it already created instead of making a
second one. Keys are Hyperplanning's integer keys, internal to one base (one academic
year); the yearly switch (``hpsync year``) re-keys through stable person identifiers.

Datetimes are always timezone-aware here; adapters convert from and to wall time.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import NewType

SourceId = NewType("SourceId", str)


class Kind(enum.StrEnum):
    """Record kinds, as they appear in a source identity."""

    LEARNER = "learner"
    TRAINER = "trainer"
    TUTOR = "tutor"
    GROUP = "group"
    ROOM = "room"
    SUBJECT = "subject"
    SESSION = "session"
    FAMILY = "family"
    RUBRIC = "rubric"


def source_id(base_id: str, kind: Kind, key: object) -> SourceId:
    """Build the stable identity of a record: ``hp:<base id>:<kind>:<key>``.

    One string object per identity, whoever asks: a session's identity is interned (the
    desired state of each account, the journal and Edusign's external ids all hold the same
    one, not a copy each: 300k sheets on an XL school); the others are memoised, as the core
    asks for them once per roster entry, hundreds of thousands of times."""
    if kind is Kind.SESSION:
        return SourceId(sys.intern(f"hp:{_checked_base(base_id)}:session:{key}"))
    return _memoised_id(base_id, kind, key)


@lru_cache(maxsize=1 << 17)
def _memoised_id(base_id: str, kind: Kind, key: object) -> SourceId:
    return SourceId(sys.intern(f"hp:{_checked_base(base_id)}:{kind.value}:{key}"))


@lru_cache(maxsize=64)
def _checked_base(base_id: str) -> str:
    if not base_id or ":" in base_id:
        raise ValueError(f"base id must be non-empty and contain no ':' (got {base_id!r})")
    return base_id


def parse_source_id(value: str) -> tuple[str, Kind, str]:
    """Split a source identity into (base id, kind, key); ValueError when malformed."""
    parts = value.split(":", 3)
    if len(parts) != 4 or parts[0] != "hp":
        raise ValueError(f"not an hpsync source identity: {value!r}")
    return parts[1], Kind(parts[2]), parts[3]


class Genre(enum.StrEnum):
    """What a family classifies (Hyperplanning ``gf…`` genres the connector uses)."""

    LEARNER = "gfEtudiant"
    COURSE = "gfCours"
    TRAINER = "gfEnseignant"


class GroupKind(enum.StrEnum):
    """Hyperplanning group kinds: promotion (cohort), TD/option, regroupement."""

    PROMOTION = "promotion"
    TD_OPTION = "td_option"
    REGROUPEMENT = "regroupement"


@dataclass(frozen=True, slots=True)
class BaseInfo:
    """One Hyperplanning base (one academic year): ``Version`` and ``DatePremierJourBase``."""

    base_id: str
    version: str
    first_day: date
    timezone: str


@dataclass(frozen=True, slots=True)
class Rubric:
    """A value of a family (rubrique)."""

    key: int
    family_key: int
    label: str


@dataclass(frozen=True, slots=True)
class Family:
    """A user-defined classification (famille) of one genre, with its rubric values."""

    key: int
    genre: Genre
    label: str
    rubrics: tuple[Rubric, ...] = ()


@dataclass(frozen=True, slots=True)
class Subject:
    """A subject (matière)."""

    key: int
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class Room:
    """A room (salle): short name, optional admin code, long label."""

    key: int
    name: str
    code: str | None = None
    long_label: str = ""


@dataclass(frozen=True, slots=True)
class Trainer:
    """A teacher (enseignant); the e-mail is often missing in real bases."""

    key: int
    last_name: str
    first_name: str
    email: str | None = None
    code: str | None = None
    rubric_keys: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Tutor:
    """A learning master / company tutor (maître d'apprentissage)."""

    key: int
    last_name: str
    first_name: str
    email: str | None = None
    company: str = ""


@dataclass(frozen=True, slots=True)
class Learner:
    """A student (étudiant) with the groups, rubrics and tutors attached to them."""

    key: int
    last_name: str
    first_name: str
    email: str | None = None
    identifier: str | None = None
    ine: str | None = None
    group_keys: frozenset[int] = frozenset()
    rubric_keys: frozenset[int] = frozenset()
    tutor_keys: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """A promotion, TD/option or regroupement; keys are unique across the three kinds."""

    key: int
    kind: GroupKind
    name: str
    code: str = ""
    promotion_key: int | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """One dated occurrence (séance) of a Hyperplanning course.

    ``key`` is ``<course key>-<HP week>``: it survives a move inside the week and a
    change of time, so such a move is an update of the same Edusign course.
    """

    key: str
    course_key: int
    start: datetime
    end: datetime
    subject_key: int | None
    course_type: str = ""
    trainer_keys: tuple[int, ...] = ()
    room_keys: tuple[int, ...] = ()
    group_keys: tuple[int, ...] = ()
    learner_keys: tuple[int, ...] = ()
    memo: str = ""
    rubric_keys: frozenset[int] = frozenset()
    cancelled: bool = False
    placed: bool = True


@dataclass(frozen=True, slots=True)
class Exemption:
    """A dispense: the learner is excused from a subject (or from everything when
    ``subject_key`` is None) between two dates, inclusive."""

    learner_key: int
    subject_key: int | None
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class HpAbsence:
    """An absence as stored in Hyperplanning: interval based, not course based."""

    key: int
    learner_key: int
    start: datetime
    end: datetime
    justified: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class HpDelay:
    """A delay (retard) as stored in Hyperplanning."""

    key: int
    learner_key: int
    at: datetime
    minutes: int
    justified: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the down flow needs from one base, indexed by key."""

    base: BaseInfo
    families: Mapping[int, Family] = field(default_factory=dict)
    subjects: Mapping[int, Subject] = field(default_factory=dict)
    rooms: Mapping[int, Room] = field(default_factory=dict)
    trainers: Mapping[int, Trainer] = field(default_factory=dict)
    tutors: Mapping[int, Tutor] = field(default_factory=dict)
    learners: Mapping[int, Learner] = field(default_factory=dict)
    groups: Mapping[int, Group] = field(default_factory=dict)
    sessions: Mapping[str, Session] = field(default_factory=dict)
    exemptions: tuple[Exemption, ...] = ()
    #: capabilities the Service Web lacked when this was read (hyperplanning/capabilities)
    unavailable: frozenset[str] = frozenset()

    def rubric(self, key: int) -> Rubric | None:
        """Find a rubric by key across families (few families: a scan is fine)."""
        for family in self.families.values():
            for rubric in family.rubrics:
                if rubric.key == key:
                    return rubric
        return None

    def sid(self, kind: Kind, key: object) -> SourceId:
        """Source identity of a record of this base."""
        return source_id(self.base.base_id, kind, key)
