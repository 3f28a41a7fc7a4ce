"""Reading a base over SOAP and loading its snapshot file give the same domain snapshot."""

from __future__ import annotations

from hpsync.emulators.hyperplanning import start_emulator
from hpsync.hyperplanning import HyperplanningClient
from hpsync.school.load import snapshot_from_school
from hpsync.secrets import Secret
from hyperplanning.school import school


def test_soap_read_equals_direct_load() -> None:
    """Every learner, session, group, family and exemption matches field by field."""
    data = school()
    direct = snapshot_from_school(data)
    with start_emulator(data, user="u", password="pw-1234", root="/hpsw") as emu:
        client = HyperplanningClient(
            emu.url,
            "u",
            Secret("pw-1234"),
            timezone=data["base"]["timezone"],
            base_id=data["base"]["id"],
        )
        try:
            soap = client.read_snapshot()
            read = client.read_school()
        finally:
            client.close()
    assert soap.base.base_id == direct.base.base_id
    assert soap.base.first_day == direct.base.first_day
    assert dict(soap.learners) == dict(direct.learners)
    assert dict(soap.trainers) == dict(direct.trainers)
    assert dict(soap.rooms) == dict(direct.rooms)
    assert dict(soap.groups) == dict(direct.groups)
    assert dict(soap.tutors) == dict(direct.tutors)
    assert sorted(soap.exemptions, key=repr) == sorted(direct.exemptions, key=repr)
    assert {k: f for k, f in soap.families.items()} == dict(direct.families)
    assert sorted(soap.sessions) == sorted(direct.sessions)
    for key, session in direct.sessions.items():
        assert soap.sessions[key] == session, key
    # séances made sessions as the answers arrive: the same snapshot, in the same order,
    # as the school dict read whole and loaded
    whole = snapshot_from_school(read)
    assert soap == whole
    assert list(soap.sessions) == list(whole.sessions)
