"""Tutors (learning masters) on Edusign — the one provisional resource.

The public material shows only the student field ``STUDENT_FOLLOWER_ID`` (ids of the
people who receive a learner's attendance reports) and an "Externals: create an external
contact" permission. [I] We therefore keep tutors as Edusign *externals* under
``/v1/externals`` (wrapped body ``{"external": {...}}``, ``API_ID``/``API_TYPE``, DELETE
archives, ``archived=true`` lists archived ones too), and put their ids in
``STUDENT_FOLLOWER_ID``. Everything that depends on this
guess is in this module, so a real API description corrects it in one place.
"""

from __future__ import annotations

from typing import Any, Protocol

from hpsync.edusign import EdusignClient
from hpsync.edusign.inputs import API_TYPE
from hpsync.engine.desired import DesiredTutor
from hpsync.engine.plan import Action, PlanItem
from hpsync.engine.remote import RemoteRecord
from hpsync.errors import TargetError
from hpsync.model import Kind

EXTERNALS_PATH = "/v1/externals"  # [I] provisional
PAGE_SIZE = 100


class TutorDirectory(Protocol):
    """Where tutors live on the target."""

    def available(self) -> bool: ...

    def list(self) -> list[RemoteRecord]: ...

    def upsert(self, item: PlanItem) -> str: ...

    def archive(self, remote_id: str) -> None: ...


def _fields(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "first_name": str(raw.get("FIRSTNAME") or ""),
        "last_name": str(raw.get("LASTNAME") or ""),
        "email": str(raw.get("EMAIL") or "").lower(),
        "company": str(raw.get("COMPANY") or ""),
    }


class EdusignExternals:
    """Tutors as Edusign externals, through the client's request engine."""

    def __init__(self, client: EdusignClient) -> None:
        self.client = client
        self._available: bool | None = None

    def available(self) -> bool:
        """Probe the provisional route once: an account whose API has no ``/v1/externals``
        (HTTP 404) has tutors off, instead of every tutor write failing."""
        if self._available is None:
            try:
                self.client._call("GET", EXTERNALS_PATH, params={"page": 0})
                self._available = True
            except TargetError as exc:
                if "404" not in exc.message:
                    raise
                self._available = False
        return self._available

    def list(self) -> list[RemoteRecord]:
        records: list[RemoteRecord] = []
        page = 0
        while True:
            # Archived ones too (flagged HIDDEN), like students and professors: the sync
            # must see them to restore rather than re-create them.
            params = {"page": page, "archived": "true"}
            rows = self.client._call("GET", EXTERNALS_PATH, params=params) or []
            for raw in rows:
                records.append(
                    RemoteRecord(
                        Kind.TUTOR,
                        str(raw.get("ID") or raw.get("id")),
                        str(raw.get("API_ID") or ""),
                        _fields(raw),
                        archived=bool(raw.get("HIDDEN")),
                    )
                )
            if len(rows) < PAGE_SIZE:
                return records
            page += 1

    def upsert(self, item: PlanItem) -> str:
        record = item.record
        assert isinstance(record, DesiredTutor)
        body = {
            "FIRSTNAME": record.first_name,
            "LASTNAME": record.last_name,
            "EMAIL": record.email,
            "COMPANY": record.company,
            "API_ID": record.sid,
            "API_TYPE": API_TYPE,
        }
        label = f"tutor {record.sid}"
        if item.action is Action.UPDATE and item.remote_id:
            self.client._call(
                "PATCH",
                EXTERNALS_PATH,
                json={"external": {"ID": item.remote_id, **body, "HIDDEN": 0}},  # restores
                record=label,
            )
            return item.remote_id
        result = self.client._call("POST", EXTERNALS_PATH, json={"external": body}, record=label)
        return str(result.get("ID") if isinstance(result, dict) else result)

    def archive(self, remote_id: str) -> None:
        self.client._call("DELETE", f"{EXTERNALS_PATH}/{remote_id}", record=f"tutor {remote_id}")
