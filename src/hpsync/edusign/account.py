"""One Edusign account as the engine sees it: TargetAccount + AttendanceSource.

Translates between Edusign records (ids, UPPER_CASE wire fields) and the engine's terms
(source identities, canonical fields). References are resolved through the ``API_ID`` of
the referenced records, so what is compared is exactly what the desired state holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial

from hpsync.edusign import EdusignClient
from hpsync.edusign.inputs import CourseInput, GroupInput, ProfessorInput, StudentInput
from hpsync.edusign.models import BatchItemResult, Course, Group, Professor, Student
from hpsync.edusign.sheets import SheetReader
from hpsync.edusign.tutors import TutorDirectory
from hpsync.engine.desired import (
    DesiredGroup,
    DesiredLearner,
    DesiredSession,
    DesiredTrainer,
)
from hpsync.engine.plan import Action, PlanItem
from hpsync.engine.remote import RemoteFields, RemoteRecord, RemoteState, Settle
from hpsync.errors import RecordError, RetriableRemoteError
from hpsync.hashing import canonical_value
from hpsync.logging import get_logger
from hpsync.model import Kind
from hpsync.ports import Sheet, SheetsRead, WriteOutcome
from hpsync.shared_values import SharedValues

log = get_logger("hpsync.edusign")

#: Per-record calls (groups, tutors, people updates) in flight at once per batch. Edusign's
#: answer takes tens of milliseconds or more; one at a time would stay under its budget.
IN_FLIGHT = 4

#: A sheet's fields, in the order of the desired session's (the diff compares them as is).
SESSION_FIELDS = ("name", "start", "end", "trainer_sids", "room", "learner_sids", "description")


class EdusignAccount:
    """The ports over one EdusignClient."""

    def __init__(
        self, name: str, client: EdusignClient, tutors: TutorDirectory | None = None
    ) -> None:
        self.name = name
        self.client = client
        self.tutors = tutors
        self.sheets = SheetReader(client)
        self._student_api: dict[str, str] = {}
        self._classrooms: dict[str, str] | None = None  # name (case ignored) -> Edusign id
        self._room_text_sticks: bool | None = None  # does v3 keep a free-text room?
        #: equal names, rosters and instants of the sheets of one read, held once
        self._shared = SharedValues()

    def _tutors(self) -> TutorDirectory:
        if self.tutors is None:
            raise RecordError("tutors are not enabled for this account", hint="set tutors = true")
        return self.tutors

    # -- reading -------------------------------------------------------------------------
    def read(
        self,
        *,
        since: datetime,
        until: datetime,
        changed_since: datetime | None = None,
        sessions: Collection[str] = (),
        settle: Settle | None = None,
    ) -> RemoteState:
        state = RemoteState(settle=settle)
        self._shared = SharedValues()  # one per read: nothing kept from the last one
        students = self.client.list_students(include_archived=True)
        self._student_api = {s.id: s.api_id for s in students}
        offered = self.tutors is not None and self.tutors.available()
        tutors = self.tutors.list() if self.tutors is not None and offered else []
        if self.tutors is not None and not offered:
            state.unavailable.add(Kind.TUTOR)
        tutor_api = {t.remote_id: t.api_id for t in tutors}
        for tutor in tutors:
            state.add(tutor)
        state.complete.add(Kind.TUTOR)
        for student in students:
            state.add(self._learner(student, tutor_api))
        state.complete.add(Kind.LEARNER)
        for group in self.client.list_groups():
            state.add(self._group(group))
        state.complete.add(Kind.GROUP)
        professors = self.client.list_professors(include_archived=True)
        prof_api = {p.id: p.api_id for p in professors}
        for professor in professors:
            state.add(self._trainer(professor))
        state.complete.add(Kind.TRAINER)
        mark = self.client.server_time()  # before the sheets: later edits are after it
        if changed_since is None:
            for course in self.client.iter_courses(since.date(), until.date()):
                state.add(self._session(course, prof_api))
                state.saw_update(course.date_updated)
            state.complete.add(Kind.SESSION)
        else:
            self._changed_sessions(state, since, until, changed_since, sessions, prof_api)
        if mark is not None:  # else the newest update date seen, a later start but safe
            state.watermark = mark
        return state

    def _changed_sessions(
        self,
        state: RemoteState,
        since: datetime,
        until: datetime,
        changed_since: datetime,
        asked: Collection[str],
        prof_api: Mapping[str, str],
    ) -> None:
        """Only the sheets updated since ``changed_since`` (the course list's ``dateUpdated``
        filter, by whole days: the day before is included), plus the ones asked for by id.
        A service that ignores the filter answers every sheet: they are all kept, and the
        read counts as whole."""
        day = changed_since.date() - timedelta(days=1)
        ignored = False
        for course in self.client.iter_courses(
            since.date(), until.date(), date_updated=[day.isoformat(), "2099-12-31"]
        ):
            updated = course.date_updated
            ignored = ignored or (updated is not None and updated.date() < day)
            state.put(self._session(course, prof_api))
            state.saw_update(updated)
        if ignored:
            log.warning("the course list ignores dateUpdated: every sheet was read")
            state.complete.add(Kind.SESSION)
            return
        read = set(state.of(Kind.SESSION)) | set(state.settled.values())
        for course_id in sorted(set(asked) - read):
            try:
                course = self.client.get_course(course_id)
            except RecordError:
                state.absent.add(course_id)
                continue
            state.put(self._session(course, prof_api))
            state.saw_update(course.date_updated)

    def _api(self, ids: Sequence[str], table: Mapping[str, str]) -> list[str]:
        return [table.get(i) or f"?{i}" for i in ids]

    def _learner(self, s: Student, tutor_api: Mapping[str, str]) -> RemoteRecord:
        fields = {
            "first_name": s.first_name,
            "last_name": s.last_name,
            "email": s.email.lower(),
            "tags": sorted(s.tags),
            "tutor_sids": sorted(self._api(s.student_follower_id, tutor_api)),
            "file_number": s.file_number,
        }
        return RemoteRecord(Kind.LEARNER, s.id, s.api_id, fields, archived=s.hidden)

    def _trainer(self, p: Professor) -> RemoteRecord:
        fields = {"first_name": p.first_name, "last_name": p.last_name, "email": p.email.lower()}
        return RemoteRecord(Kind.TRAINER, p.id, p.api_id, fields, archived=p.hidden)

    def _group(self, g: Group) -> RemoteRecord:
        fields = {"name": g.name, "learner_sids": sorted(self._api(g.students, self._student_api))}
        return RemoteRecord(Kind.GROUP, g.id, g.api_id, fields, archived=g.hidden)

    def _session(self, c: Course, prof_api: Mapping[str, str]) -> RemoteRecord:
        """A sheet as the diff sees it; its names, rosters and instants, repeated over a
        big school's 300k sheets, are held once (``SharedValues``)."""
        shared = self._shared
        values = (
            shared(c.name),
            canonical_value(c.start) if c.start else None,
            canonical_value(c.end) if c.end else None,
            shared(tuple(self._api(c.professor_ids, prof_api))),
            shared(c.classroom),
            shared(tuple(sorted(self._api([r.student_id for r in c.students], self._student_api)))),
            shared(c.description),
        )
        signed = any(r.signature is not None for r in c.students)
        end = shared.instant(c.end) if c.end is not None else None
        return RemoteRecord(
            Kind.SESSION,
            c.id,
            c.api_id,
            RemoteFields(SESSION_FIELDS, values),
            locked=c.locked,
            signed=signed,
            end=end,
        )

    # -- writing -------------------------------------------------------------------------
    def write(
        self, kind: Kind, items: Sequence[PlanItem], ids: Mapping[str, str]
    ) -> list[WriteOutcome]:
        # People are updated by Edusign id (v1 PATCH), never by external id: after a yearly
        # switch their Edusign API_ID still carries last year's identity, and an upsert by
        # external id would create a second person. The PATCH also rewrites the API_ID.
        # A record adopted from someone else has no (or another) external id: it is taken
        # over by Edusign id too, the PATCH setting hpsync's external id.
        people = (Kind.LEARNER, Kind.TRAINER)
        patches = [
            i
            for i in items
            if i.remote_id
            and (
                (i.action is Action.UPDATE and kind in people)
                or (i.action is Action.ADOPT and kind in (*people, Kind.SESSION))
            )
        ]
        upserts = [
            i for i in items if i.action in (Action.CREATE, Action.UPDATE) and i not in patches
        ]
        removals = [i for i in items if i.action is Action.REMOVE]
        outcomes: dict[str, WriteOutcome] = {}
        # Removals first: a person archived frees their e-mail for the one created after.
        for item, outcome in zip(
            removals,
            self._each([(i, partial(self._remove, kind, i)) for i in removals]),
            strict=True,
        ):
            outcomes[item.key] = outcome
        for item, outcome in zip(
            patches,
            self._each([(i, partial(self._patch_by_id, kind, i, ids)) for i in patches]),
            strict=True,
        ):
            outcomes[item.key] = outcome
        if upserts:
            for item, outcome in zip(upserts, self._upsert(kind, upserts, ids), strict=True):
                outcomes[item.key] = outcome
        return [outcomes[i.key] for i in items]

    def _each(self, calls: Sequence[tuple[PlanItem, Callable[[], str]]]) -> list[WriteOutcome]:
        """One call per record, a few in flight: the rate budget, not latency, sets the pace.

        An error that stops the run (credentials, rights) cancels the calls not started.
        """
        if len(calls) <= 1:
            return [self._guarded(item, call) for item, call in calls]
        stop = threading.Event()

        def one(item: PlanItem, call: Callable[[], str]) -> WriteOutcome:
            if stop.is_set():
                return WriteOutcome(item.key, False, item.remote_id, "not sent: run stopped")
            try:
                return self._guarded(item, call)
            except BaseException:
                stop.set()  # the calls not started yet are not sent
                raise

        pool = ThreadPoolExecutor(max_workers=min(IN_FLIGHT, len(calls)))
        try:
            return list(pool.map(lambda pair: one(*pair), calls))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _guarded(self, item: PlanItem, call: Callable[[], str]) -> WriteOutcome:
        """Per-record failures become outcomes; credential or rights errors stop the run."""
        try:
            return WriteOutcome(item.key, True, call())
        except RetriableRemoteError as exc:
            return WriteOutcome(item.key, False, item.remote_id, str(exc), retriable=True)
        except RecordError as exc:
            return WriteOutcome(item.key, False, item.remote_id, str(exc))

    def _remove(self, kind: Kind, item: PlanItem) -> str:
        if kind is Kind.LEARNER:
            self.client.archive_student(item.remote_id)
        elif kind is Kind.TRAINER:
            self.client.archive_professor(item.remote_id)
        elif kind is Kind.TUTOR:
            self._tutors().archive(item.remote_id)
        elif kind is Kind.GROUP:
            self.client.delete_group(item.remote_id)
        else:
            self.client.delete_course(item.remote_id)
        return item.remote_id

    def _upsert(
        self, kind: Kind, items: Sequence[PlanItem], ids: Mapping[str, str]
    ) -> list[WriteOutcome]:
        if kind is Kind.GROUP:
            return self._each([(i, partial(self._upsert_group, i, ids)) for i in items])
        if kind is Kind.TUTOR:
            return self._each([(i, partial(self._tutors().upsert, i)) for i in items])
        try:
            if kind is Kind.LEARNER:
                results = self.client.batch_upsert_students([self._student(i, ids) for i in items])
            elif kind is Kind.TRAINER:
                results = self.client.batch_upsert_professors([self._professor(i) for i in items])
            else:
                results = self.client.batch_upsert_courses([self._course(i, ids) for i in items])
        except RetriableRemoteError as exc:
            return [WriteOutcome(i.key, False, i.remote_id, str(exc), True) for i in items]
        outcomes = self._outcomes(items, results)
        if kind is Kind.SESSION and self.client.api == "v3":
            outcomes = self._rooms_as_text(items, outcomes, ids)
        return outcomes

    def _outcomes(
        self, items: Sequence[PlanItem], results: Sequence[BatchItemResult]
    ) -> list[WriteOutcome]:
        by_index = {r.index: r for r in results}
        out: list[WriteOutcome] = []
        for index, item in enumerate(items):
            result = by_index.get(index)
            if result is None:
                out.append(WriteOutcome(item.key, False, item.remote_id, "no result returned"))
            elif result.ok:
                out.append(WriteOutcome(item.key, True, result.id or item.remote_id))
            else:
                out.append(
                    WriteOutcome(
                        item.key, False, item.remote_id, f"{result.code}: {result.message}"
                    )
                )
        return out

    def _patch_by_id(self, kind: Kind, item: PlanItem, ids: Mapping[str, str]) -> str:
        if kind is Kind.LEARNER:
            self.client.update_student(item.remote_id, self._student(item, ids))
        elif kind is Kind.TRAINER:
            self.client.update_professor(item.remote_id, self._professor(item))
        else:  # a session: adopted, or given its room as text
            self.client.update_course(item.remote_id, self._course(item, ids))
        return item.remote_id

    def _upsert_group(self, item: PlanItem, ids: Mapping[str, str]) -> str:
        record = item.record
        assert isinstance(record, DesiredGroup)
        body = GroupInput(
            name=record.name,
            student_ids=tuple(ids[s] for s in record.learner_sids if s in ids),
            api_id=record.sid,
        )
        if item.action is Action.UPDATE and item.remote_id:
            self.client.update_group(item.remote_id, body)
            return item.remote_id
        return self.client.create_group(body)

    def _student(self, item: PlanItem, ids: Mapping[str, str]) -> StudentInput:
        record = item.record
        assert isinstance(record, DesiredLearner)
        return StudentInput(
            first_name=record.first_name,
            last_name=record.last_name,
            email=record.email,
            api_id=record.sid,
            tags=record.tags,
            follower_ids=tuple(ids[t] for t in record.tutor_sids if t in ids),
            file_number=record.file_number,
        )

    def _professor(self, item: PlanItem) -> ProfessorInput:
        record = item.record
        assert isinstance(record, DesiredTrainer)
        return ProfessorInput(record.first_name, record.last_name, record.email, api_id=record.sid)

    def _course(self, item: PlanItem, ids: Mapping[str, str]) -> CourseInput:
        record = item.record
        assert isinstance(record, DesiredSession)
        return CourseInput(
            name=record.name,
            start=record.start,
            end=record.end,
            description=record.description,
            professor_ids=tuple(ids[t] for t in record.trainer_sids if t in ids),
            classroom=record.room,
            classroom_id=self._classroom_id(record.room),
            student_ids=tuple(ids[s] for s in record.learner_sids if s in ids),
            api_id=record.sid,
        )

    def _classroom_id(self, room: str) -> str:
        """The Edusign classroom named ``room`` (listed once per run), or ""."""
        if not room:
            return ""
        if self._classrooms is None:
            self._classrooms = self.client.classrooms()
        return self._classrooms.get(room.strip().casefold(), "")

    def _rooms_as_text(
        self, items: Sequence[PlanItem], outcomes: list[WriteOutcome], ids: Mapping[str, str]
    ) -> list[WriteOutcome]:
        """v3 documents a room only as a classroom id; its free text is sent all the same.
        Whether this server keeps it is read once (one course read back); where it does
        not, a session whose room is no Edusign classroom gets it as v1's CLASSROOM text
        (one call each, only when the room changed)."""
        texts = [
            (item, outcome)
            for item, outcome in zip(items, outcomes, strict=True)
            if outcome.ok
            and isinstance(item.record, DesiredSession)
            and item.record.room
            and not self._classroom_id(item.record.room)
        ]
        if texts and self._room_text_sticks is None:
            # One read tells whether this server keeps v3's free-text room ([X]).
            item, outcome = texts[0]
            assert isinstance(item.record, DesiredSession)
            found = self.client.get_course(outcome.remote_id).classroom
            self._room_text_sticks = found.strip() == item.record.room.strip()
        if self._room_text_sticks:
            return outcomes
        calls = []
        for item, outcome in texts:
            if item.action is Action.UPDATE and "room" not in {c.name for c in item.changes}:
                continue
            moved = replace(item, remote_id=outcome.remote_id)
            calls.append((moved, partial(self._patch_by_id, Kind.SESSION, moved, ids)))
        failed = {o.item_key: o for o in self._each(calls) if not o.ok}
        # A session left without its room is not recorded: the next run finds it by its
        # external id and sets the room again.
        return [failed.get(outcome.item_key, outcome) for outcome in outcomes]

    # -- attendance ----------------------------------------------------------------------
    def read_sheets(self, *, since: datetime, until: datetime) -> list[Sheet]:
        return self.sheets.read(since=since, until=until).sheets

    def read_attendance(
        self,
        *,
        since: datetime,
        until: datetime,
        changed_since: datetime | None = None,
        relist_from: datetime | None = None,
        sheets: Collection[str] = (),
    ) -> SheetsRead:
        return self.sheets.read(
            since=since,
            until=until,
            changed_since=changed_since,
            relist_from=relist_from,
            sheets=sheets,
        )

    def read_sheet(self, course_id: str) -> Sheet:
        """One sheet, for a webhook event about it."""
        return self.sheets.one(course_id)
