"""What a test or the CLI asks the emulator to serve: schools, keys, knobs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

#: Permission scopes of reference §2/D-PERM, one per resource family.
SCOPES = (
    "students",
    "professors",
    "groups",
    "classrooms",
    "courses",
    "attendance",
    "absences",
    "school",
    "externals",  # [I] provisional /v1/externals (tutors)
)

DEFAULT_REASONS = (
    ("Maladie", "sick"),
    ("Rendez-vous médical", "medical"),
    ("Raison familiale", "family"),
    ("Transport", "transport"),
)


def key_hash(key: str) -> str:
    """How a key is stored: never in clear."""
    return hashlib.sha256(key.encode()).hexdigest()


def fingerprint(key: str) -> str:
    """A short public handle for a key (first 8 hex of its SHA-256), used in stats."""
    return key_hash(key)[:8]


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One API key; ``scopes=None`` grants everything, ``no_api_option`` answers 402."""

    key: str = field(repr=False)
    no_api_option: bool = False
    scopes: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class SchoolSpec:
    """One school (Edusign account) with its keys and webhook client secret."""

    name: str
    keys: tuple[KeySpec, ...]
    client_secret: str = field(default="", repr=False)
    timezone: str = "Europe/Paris"


@dataclass(slots=True)
class Settings:
    """Behaviour switches, changeable at run time through ``/_emulator/settings``."""

    test_controls: bool = False
    rate_scale: float = 1.0
    rate_mode: str = "slow"  # "slow" (documented delay) or "429"
    strict_api_id: bool = False
    per_minute: int = 480
    heavy_per_minute: int = 24
    idempotency_seconds: float = 5.0
    #: [X] whether the real service bounds ``limit`` is unknown: 0 = no bound (default);
    #: above it, "cap" answers ``max_limit`` items silently, "refuse" answers 400
    max_limit: int = 0
    over_max_limit: str = "cap"
    #: "full" or "public" (``profiles.py``); fixed at start: it decides the routes served
    profile: str = "full"

    def limits(self) -> tuple[int, int]:
        """(normal, heavy) requests per 60 s per key after scaling (at least 1)."""
        return (
            max(1, int(self.per_minute * self.rate_scale)),
            max(1, int(self.heavy_per_minute * self.rate_scale)),
        )


def as_school_specs(schools: list[tuple[str, str]] | list[SchoolSpec]) -> list[SchoolSpec]:
    """Accept ``(name, api_key)`` pairs or full specs; pairs with one name share a school."""
    merged: dict[str, SchoolSpec] = {}
    for item in schools:
        spec = item if isinstance(item, SchoolSpec) else SchoolSpec(item[0], (KeySpec(item[1]),))
        if spec.name in merged:
            old = merged[spec.name]
            spec = SchoolSpec(
                old.name, old.keys + spec.keys, old.client_secret or spec.client_secret,
                old.timezone,
            )  # fmt: skip
        merged[spec.name] = spec
    return list(merged.values())
