"""The target account contract on the fake and on the real adapter over the emulator."""

from __future__ import annotations

import pytest

from hpsync.edusign.account import EdusignAccount
from hpsync.ports import TargetAccount
from hpsync.testing.contracts import TargetAccountContract
from hpsync.testing.fakes import FakeTarget


class TestFakeTarget(TargetAccountContract):
    """``testing.fakes.FakeTarget``."""

    @pytest.fixture
    def account(self) -> TargetAccount:
        return FakeTarget()


class TestEdusignAccount(TargetAccountContract):
    """``EdusignAccount`` over the real client on the Edusign emulator: profiles ``full``
    and ``public``, API ``v1`` and ``v3`` (the ``edusign_account`` fixture's four ids)."""

    @pytest.fixture
    def account(self, edusign_account: EdusignAccount) -> TargetAccount:
        return edusign_account
