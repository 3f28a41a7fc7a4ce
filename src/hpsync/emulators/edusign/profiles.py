"""The emulator's two profiles and the error texts the public one answers with.

``full`` serves today's whole surface, including the guesses hpsync's tests rely on.
``public`` serves only what public evidence supports, in its public shape, so a client
that leans on an invention (``/v1/externals``, ids in v3 answers, ...) fails against it.
Which routes each profile serves is said per route in ``routes.py``; the behaviour
differences live where the behaviour is, behind :func:`is_public`.
"""

from __future__ import annotations

from typing import Protocol

FULL = "full"
PUBLIC = "public"
PROFILES = (FULL, PUBLIC)
BOTH = frozenset(PROFILES)
FULL_ONLY = frozenset({FULL})

#: Business error texts of the public profile, keyed by what went wrong. Every text is
#: a constant of Le Wagon's gem (L-WAGON, ``lib/edusign/client.rb``), which matches on
#: them to steer its own flow: one real client, so [P]. The full profile keeps its own
#: (older, invented) wording, which hpsync's tests match.
PUBLIC_TEXTS: dict[str, str] = {
    # ALREADY_LOCKED_ERROR_MESSAGE: rescued by lock_course
    "course_already_locked": "Course already locked",
    # STUDENT_ALREADY_ADDED_TO_COURSE_ERROR_MESSAGE: rescued by add_student_to_course
    "student_already_on_sheet": "Student already in the list",
    # COURSE_NOT_FOUND_ERROR_MESSAGE: rescued by course (GET /v1/course/{id})
    "course_not_found": "No course with this ID found",
    # LOCKED_ERROR_MESSAGE (declared by the gem, the route that answers it is not shown)
    "course_locked": "course locked",
    # PROFESSOR_ALREADY_EXISTS_MESSAGE: create_professor falls back to by-email on it
    "professor_exists": "Professor already exists in this school",
}


class HasProfile(Protocol):
    """Anything carrying the profile name (the emulator's ``Settings``)."""

    @property
    def profile(self) -> str:
        """``full`` or ``public``."""
        ...


def check(profile: str) -> str:
    """The profile name, or a ValueError naming the valid ones."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    return profile


def is_public(settings: HasProfile) -> bool:
    """Whether answers must take their public shape."""
    return settings.profile == PUBLIC


def attendance_list_link(school_id: str, course_id: str) -> str:
    """[I] The PDF URL a lock answers with (``result.link``, L-WAGON) and the course then
    carries as ``ATTENDANCE_LIST_GENERATED`` (L-WAGON reads it on a locked course; MC names
    the field). The real host and path are unknown: ``.invalid`` never resolves."""
    return f"https://files.edusign.invalid/attendance-lists/{school_id}/{course_id}.pdf"
