"""A small in-memory Edusign for client tests, served through ``httpx.MockTransport``.

It implements just what the unit tests need (students, professors, groups, courses,
v3 batch upserts) with fault knobs: queue a fault for the next request matching a
method and path prefix. ``drop_after_apply`` applies the request and then drops the
connection, like a server that created the record but never answered.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx

KEY = "test-key-0123456789abcdef"


def ok(result: Any) -> httpx.Response:
    """A v1 success envelope."""
    return httpx.Response(200, json={"status": "success", "result": result})


def error(message: Any) -> httpx.Response:
    """A v1 business error envelope."""
    return httpx.Response(200, json={"status": "error", "message": message})


@dataclass
class Fault:
    """A fault for the next request matching ``method`` and ``prefix``."""

    method: str
    prefix: str
    kind: str  # 500 503 429 timeout reset drop_after_apply plain404 echo_key
    retry_after: str = "2"


@dataclass
class FakeEdusign:
    """Dict-backed Edusign; ``handler`` is the MockTransport callback."""

    key: str = KEY
    course_page: int = 40
    students: dict[str, dict[str, Any]] = field(default_factory=dict)
    professors: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[Any] = field(default_factory=list)
    status_by_key: dict[str, int] = field(default_factory=dict)
    batch_reject: Callable[[dict[str, Any]], str | None] = lambda item: None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def transport(self) -> httpx.MockTransport:
        """The transport to hand to the client."""
        return httpx.MockTransport(self.handler)

    def count(self, method: str, path_prefix: str) -> int:
        """How many requests matched."""
        return sum(1 for m, p in self.calls if m == method and p.startswith(path_prefix))

    def new_id(self) -> str:
        return f"fakeid{next(self._ids):010d}"

    # ------------------------------------------------------------ dispatch

    def handler(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method, unquote(request.url.path)
        self.calls.append((method, path))
        body = json.loads(request.content) if request.content else None
        self.bodies.append(body)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        if token in self.status_by_key:
            return httpx.Response(self.status_by_key[token], text="Unauthorized")
        if token != self.key:
            return httpx.Response(401, text="Unauthorized")
        fault = next(
            (f for f in self.faults if f.method == method and path.startswith(f.prefix)), None
        )
        if fault is not None:
            self.faults.remove(fault)
            if fault.kind in ("500", "503"):
                return httpx.Response(int(fault.kind), text="Internal Server Error")
            if fault.kind == "429":
                return httpx.Response(429, headers={"Retry-After": fault.retry_after})
            if fault.kind == "echo_key":
                return error(f"token {token} has no such student")
            if fault.kind == "plain404":
                return httpx.Response(404, text="Not Found")
            if fault.kind == "timeout":
                raise httpx.ReadTimeout("timed out", request=request)
            if fault.kind == "reset":
                raise httpx.ReadError("connection reset by peer", request=request)
            if fault.kind == "drop_after_apply":
                self.route(method, path, body, request)
                raise httpx.RemoteProtocolError("server disconnected", request=request)
        return self.route(method, path, body, request)

    def route(self, method: str, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["v3"]:
            return self.v3(method, parts, body)
        if parts == ["v1", "school"]:
            return ok({"ID": "school1", "NAME": "École", "TIMEZONE": "Europe/Paris"})
        kind = parts[1] if len(parts) > 1 else ""
        table = {
            "student": self.students,
            "professor": self.professors,
            "group": self.groups,
            "course": self.courses,
        }.get(kind)
        if table is None:
            return httpx.Response(404, text="Not Found")
        rest = parts[2:]
        if method == "GET" and not rest:
            return self.list_page(kind, table, request)
        if method == "GET" and rest[:1] == ["get-id"]:
            found = [r["ID"] for r in table.values() if r.get("API_ID") == rest[1]]
            return ok({"ID": found[0]}) if found else error(f"{kind} not found")
        if method == "GET" and rest[:1] == ["by-email"]:
            hit = [r for r in table.values() if r.get("EMAIL", "").lower() == rest[1].lower()]
            return ok(hit[0]) if hit else error(f"{kind} not found")
        if method in ("PUT", "DELETE") and rest[:1] == ["attendance"]:
            roster = table[rest[1]].setdefault("STUDENTS", [])
            entry = {"studentId": body["studentId"]}
            if method == "PUT" and entry not in roster:
                roster.append(entry)
            elif method == "DELETE" and entry in roster:
                roster.remove(entry)
            return ok(True)
        if method == "GET" and rest[:1] == ["lock"]:
            table[rest[1]]["LOCKED"] = True
            return ok(True)
        if method == "GET" and len(rest) == 1:
            return ok(table[rest[0]]) if rest[0] in table else error(f"{kind} not found")
        if method == "POST" and not rest:
            record = dict(body[kind])
            if not record.get("NAME") and not record.get("EMAIL"):
                return error(["NAME or EMAIL is required"])
            record["ID"] = record["id"] = self.new_id()
            table[record["ID"]] = record
            return ok({"ID": record["ID"], "TYPE": "created"})
        if method == "PATCH" and not rest:
            record = body[kind]
            if record["ID"] not in table:
                return error(f"{kind} not found")
            table[record["ID"]].update(record)
            return ok(True)
        if method == "DELETE" and len(rest) == 1:
            if kind in ("student", "professor"):
                table[rest[0]]["HIDDEN"] = 1
            else:
                table.pop(rest[0], None)
            return ok(True)
        return httpx.Response(404, text="Not Found")

    def list_page(
        self, kind: str, table: dict[str, dict[str, Any]], request: httpx.Request
    ) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        size = {"course": self.course_page, "student": int(request.url.params.get("limit", 100))}
        per = size.get(kind, 100)
        rows = [r for r in table.values() if not r.get("HIDDEN")]
        if kind == "course":
            lo, hi = request.url.params["start"], request.url.params["end"]
            rows = [r for r in rows if lo <= r["START"][:10] <= hi]
        return ok(rows[page * per : (page + 1) * per])

    # ------------------------------------------------------------ v3

    def v3(self, method: str, parts: list[str], body: Any) -> httpx.Response:
        if method == "POST" and parts[-1] == "batch-upsert":
            resource = parts[1]
            table = {"students": self.students, "professors": self.professors}.get(
                resource, self.courses
            )
            results: list[dict[str, Any]] = []
            for index, item in enumerate(body[resource]):
                reason = self.batch_reject(item)
                if reason:
                    results.append(
                        {"inputIndex": index, "status": "error",
                         "error": {"code": reason, "message": f"rejected: {reason}"}}
                    )  # fmt: skip
                    continue
                ref = item.get("externalReferenceId")
                hit = [r for r in table.values() if ref and r.get("API_ID") == ref]
                if hit:
                    hit[0].update(item)
                    status, rid = "updated", hit[0]["ID"]
                else:
                    rid = self.new_id()
                    table[rid] = {"ID": rid, "API_ID": ref, **item}
                    status = "created"
                results.append(
                    {"inputIndex": index, "status": status, "id": rid, "externalReferenceId": ref}
                )
            failed = any(r["status"] == "error" for r in results)
            return httpx.Response(207 if failed else 200, json={"results": results})
        if method == "PUT" and parts[-1] == "students":
            self.courses[parts[2]]["STUDENTS"] = [{"studentId": s} for s in body["studentIds"]]
            return httpx.Response(200, json={"status": "success"})
        return httpx.Response(404, text="Not Found")


def seen_counter(fake: FakeEdusign) -> Counter[tuple[str, str]]:
    """Requests by (method, path)."""
    return Counter(fake.calls)
