"""Retry policy of the Edusign client: what is retried, how long it waits, no duplicates."""

from __future__ import annotations

import pytest

from edusign_client.conftest import FakeClock, MakeClient
from edusign_client.fakes import FakeEdusign, Fault
from hpsync.edusign import ProfessorInput, RetryPolicy, StudentInput
from hpsync.edusign.retry import is_idempotent
from hpsync.errors import RetriableRemoteError

MARIE = StudentInput("Marie", "Curie", "marie@example.org", api_id="hp:x:learner:12")


def test_backoff_is_capped_exponential_with_full_jitter() -> None:
    """Waits grow 0.5, 1, 2, 4… up to the cap, scaled by the random draw."""
    draws = iter([1.0, 1.0, 1.0, 1.0, 1.0, 0.5])
    policy = RetryPolicy(base=0.5, cap=3.0, random=lambda: next(draws))
    assert [policy.backoff(n) for n in range(6)] == [0.5, 1.0, 2.0, 3.0, 3.0, 1.5]


def test_idempotency_classification() -> None:
    """GET/PUT/PATCH/DELETE and v3 batch-upsert are replayable; a v1 POST create is not."""
    assert is_idempotent("PATCH", "/v1/student")
    assert is_idempotent("POST", "/v3/courses/batch-upsert")
    assert not is_idempotent("POST", "/v1/student")


def test_get_is_retried_after_a_server_error(
    fake: FakeEdusign, make_client: MakeClient, clock: FakeClock
) -> None:
    """A 500 then a success returns the result after one backoff wait."""
    fake.faults.append(Fault("GET", "/v1/school", "500"))
    client = make_client()
    assert client.school().id == "school1"
    assert clock.sleeps == [0.5]
    assert client.stats().retries == 1
    assert fake.count("GET", "/v1/school") == 2


def test_persistent_503_gives_up_with_a_retriable_error(
    fake: FakeEdusign, make_client: MakeClient, clock: FakeClock
) -> None:
    """After ``attempts`` tries a 503 becomes RetriableRemoteError; waits follow the policy."""
    fake.faults += [Fault("GET", "/v1/school", "503")] * 10
    with pytest.raises(RetriableRemoteError) as info:
        make_client().school()
    assert "503" in info.value.message
    assert fake.count("GET", "/v1/school") == 5
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]


@pytest.mark.parametrize("kind", ["timeout", "reset"])
def test_patch_is_retried_after_transport_failures(
    fake: FakeEdusign, make_client: MakeClient, kind: str
) -> None:
    """Timeouts and connection resets on an update are retried until it succeeds."""
    client = make_client()
    sid = client.create_student(MARIE)
    fake.faults.append(Fault("PATCH", "/v1/student", kind))
    client.update_student(sid, StudentInput("Marie", "Sklodowska", "marie@example.org"))
    assert fake.students[sid]["LASTNAME"] == "Sklodowska"
    assert fake.count("PATCH", "/v1/student") == 2


def test_create_that_landed_before_the_connection_dropped_is_not_duplicated(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """A POST applied then dropped is found by get-id and not sent again."""
    fake.faults.append(Fault("POST", "/v1/student", "drop_after_apply"))
    sid = make_client().create_student(MARIE)
    assert list(fake.students) == [sid]
    assert fake.count("POST", "/v1/student") == 1
    assert fake.count("GET", "/v1/student/get-id/") == 1


def test_create_that_did_not_land_is_sent_again(fake: FakeEdusign, make_client: MakeClient) -> None:
    """A POST that timed out before being applied is looked up, not found, and resent once."""
    fake.faults.append(Fault("POST", "/v1/professor", "timeout"))
    pid = make_client().create_professor(
        ProfessorInput("Ada", "Lovelace", "ada@example.org", api_id="hp:x:trainer:3")
    )
    assert list(fake.professors) == [pid]
    assert fake.count("POST", "/v1/professor") == 2


def test_create_without_external_id_is_never_replayed(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """Without an external id to check, a failed create raises instead of risking a twin."""
    fake.faults.append(Fault("POST", "/v1/student", "drop_after_apply"))
    with pytest.raises(RetriableRemoteError):
        make_client().create_student(StudentInput("No", "Id", "noid@example.org"))
    assert fake.count("POST", "/v1/student") == 1


def test_batch_upsert_is_retried(fake: FakeEdusign, make_client: MakeClient) -> None:
    """A v3 batch-upsert (idempotent by external id) is replayed after a 502-class failure."""
    fake.faults.append(Fault("POST", "/v3/students/batch-upsert", "500"))
    results = make_client().batch_upsert_students([MARIE])
    assert [r.ok for r in results] == [True]
    assert len(fake.students) == 1
    assert fake.count("POST", "/v3/students/batch-upsert") == 2


def test_429_retry_after_is_honoured(
    fake: FakeEdusign, make_client: MakeClient, clock: FakeClock
) -> None:
    """A 429 waits the Retry-After seconds, then resends, and counts as a throttle wait."""
    fake.faults.append(Fault("GET", "/v1/school", "429", retry_after="7"))
    client = make_client()
    client.school()
    assert 7.0 in clock.sleeps
    assert client.stats().throttle_waits >= 1
    assert fake.count("GET", "/v1/school") == 2
