"""Envelope unwrapping, error mapping and secrecy of the Edusign client (fake server)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from edusign_client.conftest import MakeClient
from edusign_client.fakes import KEY, FakeEdusign, Fault
from hpsync.edusign import CourseInput, EdusignClient, StudentInput
from hpsync.edusign.core import default_v3_url
from hpsync.errors import FatalRemoteError, RecordError, RetriableRemoteError, TargetError
from hpsync.secrets import Secret

MARIE = StudentInput("Marie", "Curie", "marie@example.org", api_id="hp:x:learner:12")


def test_success_envelope_is_unwrapped_into_a_typed_record(make_client: MakeClient) -> None:
    """``{status: success, result}`` becomes a School record with snake_case fields."""
    school = make_client().school()
    assert (school.id, school.name, school.timezone) == ("school1", "École", "Europe/Paris")


def test_created_student_reads_back_with_snake_case_fields(make_client: MakeClient) -> None:
    """A created student is found by id, by external id and by e-mail with its fields."""
    client = make_client()
    sid = client.create_student(MARIE)
    student = client.get_student(sid)
    assert (student.first_name, student.api_id, student.api_type) == (
        "Marie",
        "hp:x:learner:12",
        "hpsync",
    )
    assert client.student_id_by_api_id("hp:x:learner:12") == sid
    found = client.student_by_email("MARIE@example.org")
    assert found is not None and found.id == sid


def test_error_envelope_names_the_record(make_client: MakeClient) -> None:
    """``status: error`` on a record call raises RecordError naming that record."""
    with pytest.raises(RecordError) as info:
        make_client().get_student("nope123")
    assert info.value.record == "student nope123"
    assert "not found" in info.value.message


def test_validation_message_array_is_joined(make_client: MakeClient) -> None:
    """A ``message`` array (validation errors) is kept whole in the error."""
    bad = StudentInput("", "", "", api_id="hp:x:learner:99")
    with pytest.raises(RecordError) as info:
        make_client().create_student(bad)
    assert "NAME or EMAIL is required" in str(info.value)
    assert info.value.record == "student hp:x:learner:99"


def test_lookups_return_none_when_unknown(make_client: MakeClient) -> None:
    """get-id and by-email lookups of unknown records answer None, not an error."""
    client = make_client()
    assert client.student_id_by_api_id("hp:x:learner:404") is None
    assert client.professor_by_email("ghost@example.org") is None
    assert client.course_id_by_api_id("hp:x:session:1-1") is None


@pytest.mark.parametrize(
    ("status", "hint_word"), [(401, "key"), (402, "subscription"), (403, "right")]
)
def test_auth_failures_are_fatal_with_a_hint(
    fake: FakeEdusign, make_client: MakeClient, status: int, hint_word: str
) -> None:
    """401/402/403 raise a FatalRemoteError whose hint says what to fix, without retry."""
    fake.status_by_key["bad-key-for-test"] = status
    with pytest.raises(FatalRemoteError) as info:
        make_client(key="bad-key-for-test").school()
    assert isinstance(info.value, TargetError)
    assert hint_word in info.value.hint
    assert fake.count("GET", "/v1/school") == 1


def test_plain_text_404_points_at_the_base_url(fake: FakeEdusign, make_client: MakeClient) -> None:
    """An unknown route (plain ``Not Found``) is a TargetError hinting at base_url."""
    fake.faults.append(Fault("GET", "/v1/school", "plain404"))
    with pytest.raises(TargetError) as info:
        make_client().school()
    assert "base_url" in info.value.hint


def test_api_key_never_leaks(
    fake: FakeEdusign, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The key is absent from the client's repr, from errors and from logs, even on failures."""
    caplog.set_level(logging.DEBUG)
    client = make_client()
    fake.faults += [Fault("GET", "/v1/school", "500")] * 5
    with pytest.raises(RetriableRemoteError) as retriable:
        client.school()
    fake.faults.append(Fault("GET", "/v1/student/", "echo_key"))
    with pytest.raises(RecordError) as record:
        client.get_student("s1")  # a server echoing the key back is redacted
    text = " ".join(
        [repr(client), str(client), str(retriable.value), repr(retriable.value),
         str(record.value), repr(record.value), caplog.text]
    )  # fmt: skip
    assert KEY not in text
    assert "edusign retry" in caplog.text  # the logs were actually captured


def test_datetimes_are_sent_as_utc_z_and_read_back_aware(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """Course times go out as explicit UTC ``Z`` and come back as aware UTC datetimes."""
    paris = timezone(timedelta(hours=2))
    start = datetime(2025, 6, 2, 8, 0, tzinfo=paris)
    client = make_client()
    item = CourseInput("Maths", start, start + timedelta(hours=2), professor_ids=("p1",))
    cid = client.create_course(item)
    assert fake.courses[cid]["START"] == "2025-06-02T06:00:00.000Z"
    course = client.get_course(cid)
    assert course.start == datetime(2025, 6, 2, 6, 0, tzinfo=UTC)
    assert course.professor_ids == ["p1"]


def test_default_v3_url_follows_the_host() -> None:
    """Production v1 hosts map to api.edusign.com; any other host (an emulator) to itself."""
    assert default_v3_url("https://ext.edusign.fr") == "https://api.edusign.com"
    assert default_v3_url("https://ext.edusign.com/") == "https://api.edusign.com"
    assert default_v3_url("http://127.0.0.1:8123") == "http://127.0.0.1:8123"


def test_client_closes_its_pool() -> None:
    """close() releases the connection pool; later calls fail loudly instead of hanging."""
    client = EdusignClient(
        "https://edusign.test",
        Secret(KEY),
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})),
    )
    client.close()
    with pytest.raises(RuntimeError):
        client.school()
