"""SQLite persistence: schools, API keys and every record as a JSON document.

One table holds all records (students, professors, groups, classrooms, courses,
absences, reasons); the columns beside the JSON exist only for indexed lookups and list
filters (``API_ID``, e-mail, dates, membership tokens). WAL mode and one transaction per
request keep batch upserts of 1000 courses well under a second.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Doc = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schools (
    id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
    key_hash TEXT PRIMARY KEY, school_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    no_api_option INTEGER NOT NULL DEFAULT 0, scopes TEXT);
CREATE TABLE IF NOT EXISTS records (
    school_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
    api_id TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0, start TEXT, end_ TEXT,
    locked INTEGER NOT NULL DEFAULT 0, refs TEXT NOT NULL DEFAULT ',',
    updated TEXT NOT NULL DEFAULT '', data TEXT NOT NULL,
    PRIMARY KEY (school_id, kind, id));
CREATE INDEX IF NOT EXISTS records_api_id ON records (school_id, kind, api_id);
CREATE INDEX IF NOT EXISTS records_email ON records (school_id, kind, email);
CREATE INDEX IF NOT EXISTS records_start ON records (school_id, kind, start, id);
CREATE INDEX IF NOT EXISTS records_live_start
    ON records (school_id, kind, hidden, start, id, end_, updated);
"""

_PROFESSOR_KEYS = ("PROFESSOR", *tuple(f"PROFESSOR_{n}" for n in range(2, 10)))


def _refs(kind: str, doc: Doc) -> str:
    """Membership tokens (``,p:id,g:id,s:id,``) so list filters stay in SQL."""
    tokens: list[str] = []
    if kind == "course":
        tokens += [f"p:{doc[k]}" for k in _PROFESSOR_KEYS if doc.get(k)]
        tokens += [f"g:{g}" for g in doc.get("SCHOOL_GROUP") or []]
        tokens += [f"s:{r['studentId']}" for r in doc.get("STUDENTS") or []]
        if doc.get("ABSENCE_SENT"):
            tokens.append("x:absences-sent")
        if doc.get("PROFESSOR_SIGNATURE"):
            tokens.append("x:professor-signed")
    elif kind == "absence":
        tokens.append(f"s:{doc.get('STUDENT_ID')}")
    return "," + ",".join(tokens) + ","


def _columns(kind: str, doc: Doc) -> tuple[Any, ...]:
    return (
        str(doc.get("API_ID") or ""),
        str(doc.get("EMAIL") or "").strip().lower(),
        1 if doc.get("HIDDEN") else 0,
        doc.get("START"),
        doc.get("END"),
        1 if doc.get("LOCKED") else 0,
        _refs(kind, doc),
        str(doc.get("DATE_UPDATED") or ""),
        json.dumps(doc, separators=(",", ":")),
    )


class Tx:
    """Record access for one school inside one transaction."""

    def __init__(self, conn: sqlite3.Connection, school_id: str) -> None:
        self.conn = conn
        self.school_id = school_id

    def school(self) -> Doc:
        """The school document (NAME, TIMEZONE, WEBHOOKS, ABSENCES_TYPE, client secret)."""
        row = self.conn.execute(
            "SELECT data FROM schools WHERE id = ?", (self.school_id,)
        ).fetchone()
        doc: Doc = json.loads(row[0])
        return doc

    def save_school(self, doc: Doc) -> None:
        """Write the school document back."""
        self.conn.execute(
            "UPDATE schools SET data = ?, name = ? WHERE id = ?",
            (json.dumps(doc), doc["NAME"], self.school_id),
        )

    def get(self, kind: str, rid: str) -> Doc | None:
        """One record by Edusign id, archived or not."""
        row = self.conn.execute(
            "SELECT data FROM records WHERE school_id = ? AND kind = ? AND id = ?",
            (self.school_id, kind, rid),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def where(self, kind: str, clause: str = "1", params: tuple[Any, ...] = ()) -> list[Doc]:
        """Records matching an SQL clause over the index columns, in creation order."""
        rows = self.conn.execute(
            f"SELECT data FROM records WHERE school_id = ? AND kind = ? AND ({clause})"
            " ORDER BY rowid",
            (self.school_id, kind, *params),
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def page(
        self, kind: str, clause: str, params: tuple[Any, ...], order: str, limit: int, offset: int
    ) -> list[Doc]:
        """One page of records matching ``clause`` in ``order``."""
        rows = self.conn.execute(
            f"SELECT data FROM records WHERE school_id = ? AND kind = ? AND ({clause})"
            f" ORDER BY {order} LIMIT ? OFFSET ?",
            (self.school_id, kind, *params, limit, offset),
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def by_api_id(self, kind: str, api_id: str) -> list[Doc]:
        """Every record whose ``API_ID`` is ``api_id`` (live first, then archived)."""
        if not api_id:
            return []
        return sorted(self.where(kind, "api_id = ?", (api_id,)), key=lambda d: bool(d["HIDDEN"]))

    def by_email(self, kind: str, email: str) -> list[Doc]:
        """Every record whose e-mail matches, case-insensitively (live first)."""
        found = self.where(kind, "email = ?", (email.strip().lower(),))
        return sorted(found, key=lambda d: bool(d.get("HIDDEN")))

    def insert(self, kind: str, doc: Doc) -> None:
        """Store a new record."""
        self.conn.execute(
            "INSERT INTO records (api_id, email, hidden, start, end_, locked, refs, updated,"
            " data, school_id, kind, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (*_columns(kind, doc), self.school_id, kind, doc["ID"]),
        )

    def update(self, kind: str, doc: Doc) -> None:
        """Replace a stored record (keeps its creation order)."""
        self.conn.execute(
            "UPDATE records SET api_id=?, email=?, hidden=?, start=?, end_=?, locked=?, refs=?,"
            " updated=?, data=? WHERE school_id = ? AND kind = ? AND id = ?",
            (*_columns(kind, doc), self.school_id, kind, doc["ID"]),
        )

    def delete(self, kind: str, rid: str) -> bool:
        """Remove a record for good; False when it did not exist."""
        cur = self.conn.execute(
            "DELETE FROM records WHERE school_id = ? AND kind = ? AND id = ?",
            (self.school_id, kind, rid),
        )
        return cur.rowcount > 0

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit (one v3 item): undone alone when it fails."""
        self.conn.execute("SAVEPOINT item")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO item")
            self.conn.execute("RELEASE item")
            raise
        self.conn.execute("RELEASE item")

    def dump(self) -> dict[str, list[Doc]]:
        """Every record of the school grouped by kind (for tests)."""
        out: dict[str, list[Doc]] = {}
        for kind, data in self.conn.execute(
            "SELECT kind, data FROM records WHERE school_id = ? ORDER BY rowid",
            (self.school_id,),
        ):
            out.setdefault(kind, []).append(json.loads(data))
        return out


class Store:
    """One SQLite file shared by every request; a lock serialises the transactions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)

    @contextmanager
    def tx(self, school_id: str) -> Iterator[Tx]:
        """One transaction for one school: committed on success, rolled back on error."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self.conn, school_id)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def school_id_by_name(self, name: str) -> str | None:
        """The id of the school called ``name``, if stored."""
        with self._lock:
            row = self.conn.execute("SELECT id FROM schools WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def add_school(self, school_id: str, doc: Doc) -> None:
        """Store a new school document."""
        with self._lock:
            self.conn.execute(
                "INSERT INTO schools (id, name, data) VALUES (?, ?, ?)",
                (school_id, doc["NAME"], json.dumps(doc)),
            )

    def schools(self) -> list[Doc]:
        """Every school document."""
        with self._lock:
            rows = self.conn.execute("SELECT data FROM schools ORDER BY rowid").fetchall()
        return [json.loads(r[0]) for r in rows]

    def put_key(
        self,
        key_hash: str,
        school_id: str,
        fingerprint: str,
        no_api_option: bool,
        scopes: list[str] | None,
    ) -> None:
        """Bind a (hashed) API key to a school, replacing its previous flags."""
        with self._lock:
            self.conn.execute(
                "INSERT OR REPLACE INTO api_keys VALUES (?, ?, ?, ?, ?)",
                (
                    key_hash,
                    school_id,
                    fingerprint,
                    int(no_api_option),
                    None if scopes is None else json.dumps(scopes),
                ),
            )

    def key_rows(self) -> list[tuple[str, str, str, bool, list[str] | None]]:
        """Every stored key as (hash, school id, fingerprint, no-API-option, scopes)."""
        with self._lock:
            rows = self.conn.execute("SELECT * FROM api_keys").fetchall()
        return [
            (r[0], r[1], r[2], bool(r[3]), None if r[4] is None else json.loads(r[4])) for r in rows
        ]

    def close(self) -> None:
        """Close the connection (the file keeps the data)."""
        with self._lock:
            self.conn.close()
