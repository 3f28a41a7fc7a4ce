"""Groups (v1): list, get, create, update (membership replaced), delete.

Edusign has no ``get-id`` route for groups (§5, [X]), so the "did my create land?"
check before a retry scans the group list for our ``API_ID``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hpsync.edusign import bodies
from hpsync.edusign.core import ClientCore, id_of
from hpsync.edusign.inputs import GroupInput
from hpsync.edusign.models import Group
from hpsync.edusign.pagination import paginate


class GroupsApi(ClientCore):
    """Group routes."""

    def list_groups(self) -> list[Group]:
        """Every group of the school (page size undocumented: read until an empty page)."""

        def fetch(page: int) -> list[Group]:
            result = self._call("GET", "/v1/group", params={"page": page})
            return [Group.model_validate(raw) for raw in result or []]

        return list(paginate(fetch))

    def get_group(self, group_id: str) -> Group:
        """One group by Edusign id (RecordError when unknown)."""
        result = self._call(
            "GET", f"/v1/group/{quote(group_id, safe='')}", record=f"group {group_id}"
        )
        return Group.model_validate(result)

    def group_id_by_api_id(self, api_id: str) -> str | None:
        """Edusign id of the group whose ``API_ID`` is ``api_id`` (a list scan), or None."""
        if not api_id:
            return None
        return next((g.id for g in self.list_groups() if g.api_id == api_id), None)

    def create_group(self, item: GroupInput) -> str:
        """Create a group; returns its Edusign id. A timed-out create is not duplicated."""

        def landed() -> Any:
            return self.group_id_by_api_id(item.api_id)

        result = self._call(
            "POST",
            "/v1/group",
            json=bodies.group_v1(item),
            record=item.label(),
            landed=landed if item.api_id else None,
        )
        return id_of(result, where=f"create {item.label()}")

    def update_group(self, group_id: str, item: GroupInput) -> None:
        """Replace the group's fields and membership (PATCH, ``ID`` in the body)."""
        body = bodies.group_v1(item, edusign_id=group_id)
        self._call("PATCH", "/v1/group", json=body, record=item.label())

    def delete_group(self, group_id: str) -> None:
        """Delete a group."""
        self._call("DELETE", f"/v1/group/{quote(group_id, safe='')}", record=f"group {group_id}")
