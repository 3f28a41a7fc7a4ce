"""One test suite per port, run on the fake AND on the real adapter.

Each suite is a plain pytest class whose name does not start with ``Test``, so it is not
collected by itself. A concrete module subclasses it (``class TestFakeSink(
AttendanceSinkContract)``) and overrides the fixture hooks the suite declares (``sink``,
``staff``, ``account``, ``open_journal``, ``open_ledger``) to provide the implementation;
pytest then runs every case of the suite against it. ``tests/contracts/`` does this for the
fakes of ``testing/fakes.py``, for the real adapters on both emulators (each profile, and
for Edusign each API version) and for the state store on SQLite and PostgreSQL.

Every case states the behaviour in its docstring. The behaviour comes from the
documentation (docs/hyperplanning.md "Absences and delays (emulator semantics)",
docs/attendance.md, the reference's evidence), not from what one implementation does:
where public evidence is silent ([I]) the suite pins the emulator's documented choice,
so the fake and the emulator cannot drift apart unnoticed.
"""

from hpsync.testing.contracts.attendance import AttendanceSinkContract, StaffDesk
from hpsync.testing.contracts.common import DAY, PARIS, at
from hpsync.testing.contracts.store import JournalContract, Ledger, LedgerContract
from hpsync.testing.contracts.target import TargetAccountContract

__all__ = [
    "DAY",
    "PARIS",
    "AttendanceSinkContract",
    "JournalContract",
    "Ledger",
    "LedgerContract",
    "StaffDesk",
    "TargetAccountContract",
    "at",
]
