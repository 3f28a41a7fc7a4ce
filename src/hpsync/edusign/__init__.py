"""Edusign adapter: an httpx client for the REST API (v1, and v3 batch upserts).

Edusign's words (student, professor, course) stay inside this package.
"""

from __future__ import annotations

from hpsync.edusign.client import EdusignClient
from hpsync.edusign.inputs import API_TYPE, CourseInput, GroupInput, ProfessorInput, StudentInput
from hpsync.edusign.models import (
    AbsenceReason,
    AttendanceRecord,
    BatchItemResult,
    ClientStats,
    Course,
    Group,
    JustifiedAbsence,
    Professor,
    School,
    Student,
)
from hpsync.edusign.ratelimit import RateLimiter, RouteClass
from hpsync.edusign.retry import RetryPolicy

__all__ = [
    "API_TYPE",
    "AbsenceReason",
    "AttendanceRecord",
    "BatchItemResult",
    "ClientStats",
    "Course",
    "CourseInput",
    "EdusignClient",
    "Group",
    "GroupInput",
    "JustifiedAbsence",
    "Professor",
    "ProfessorInput",
    "RateLimiter",
    "RetryPolicy",
    "RouteClass",
    "School",
    "Student",
    "StudentInput",
]
