"""The emulator on the wire: WSDL, auth, raw SOAP 1.1, faults, 503, controls."""

from __future__ import annotations

import httpx
from lxml import etree

from hpsync.emulators.hyperplanning import RunningEmulator
from hpsync.emulators.hyperplanning.spec import interfaces

from .conftest import PASSWORD, USER

NS = "http://www.indexeducation.com/frahtm/HpSvcW.html"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
AUTH = (USER, PASSWORD)


def _envelope(inner: str) -> str:
    return (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:hp="{NS}"><soapenv:Body>{inner}</soapenv:Body></soapenv:Envelope>'
    )


def _post(emu: RunningEmulator, inner: str, auth: tuple[str, str] = AUTH) -> httpx.Response:
    return httpx.post(
        f"{emu.url}/IHpSvcWCours",
        content=_envelope(inner),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        auth=auth,
    )


def test_wsdl_requires_basic_auth(emulator: RunningEmulator) -> None:
    """The WSDL without (or with wrong) credentials answers 401 with a Basic challenge."""
    anonymous = httpx.get(f"{emulator.url}/wsdl")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Basic")
    assert httpx.get(f"{emulator.url}/wsdl", auth=(USER, "wrong")).status_code == 401
    assert _post(emulator, "<hp:TousLesCours/>", auth=(USER, "nope")).status_code == 401


def test_full_wsdl_has_both_services_and_addresses_from_the_request(
    emulator: RunningEmulator,
) -> None:
    """The full WSDL declares HpSvcWAdmin/PortAdmin and one HpSvcWDonnees port per interface,
    with addresses built from the URL the client used."""
    alias = emulator.url.replace("127.0.0.1", "localhost")
    doc = etree.fromstring(httpx.get(f"{alias}/wsdl", auth=AUTH).content)
    services = {s.get("name"): s for s in doc.iter(f"{{{WSDL_NS}}}service")}
    assert [p.get("name") for p in services["HpSvcWAdmin"]] == ["PortAdmin"]
    ports = {p.get("name") for p in services["HpSvcWDonnees"]}
    assert ports == {f"Port{i}" for i in interfaces("full") if i != "Admin"}
    addresses = {
        a.get("location") for a in doc.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address")
    }
    assert f"{alias}/IHpSvcWAbsences" in addresses
    assert all(a.startswith(alias) for a in addresses)


def test_partial_wsdl_holds_one_interface(emulator: RunningEmulator) -> None:
    """A partial WSDL describes one port type only, and unknown interfaces are 404."""
    doc = etree.fromstring(httpx.get(f"{emulator.url}/wsdl/IHpSvcWMatieres", auth=AUTH).content)
    assert [p.get("name") for p in doc.iter(f"{{{WSDL_NS}}}portType")] == ["IHpSvcWMatieres"]
    missing = httpx.get(f"{emulator.url}/wsdl/IHpSvcWNope", auth=AUTH)
    assert missing.status_code == 404


def test_raw_soap_envelope_gets_a_document_literal_answer(emulator: RunningEmulator) -> None:
    """A plain SOAP 1.1 envelope posted with httpx returns the wrapped response with items
    named after the key type."""
    reply = _post(emulator, "<hp:EtudiantsDuCours><hp:ACours>1</hp:ACours></hp:EtudiantsDuCours>")
    assert reply.status_code == 200
    doc = etree.fromstring(reply.content)
    keys = [int(e.text or "") for e in doc.iter(f"{{{NS}}}THpSvcWCleEtudiant")]
    assert keys == [1, 2, 3]
    assert doc.find(f".//{{{NS}}}EtudiantsDuCoursResponse/{{{NS}}}return") is not None


def test_datetimes_are_wall_time_with_z_quirk_that_can_be_switched_off(
    emulator: RunningEmulator,
) -> None:
    """Seance starts come back as local wall time labelled Z, or without Z when switched."""
    op = "hp:DetailDesSeancesPlaceesDuCours"
    call = f"<{op}><hp:ACours>1</hp:ACours></{op}>"
    starts = lambda: [  # noqa: E731
        e.text
        for e in etree.fromstring(_post(emulator, call).content).iter(f"{{{NS}}}JourEtHeureDebut")
    ]
    assert starts()[0] == "2025-09-08T08:00:00Z"
    emulator.state.z_suffix = False
    assert starts()[0] == "2025-09-08T08:00:00"


def test_unknown_key_and_bad_date_are_french_faults(emulator: RunningEmulator) -> None:
    """An unknown key, a failed Acceder lookup and a malformed date are SOAP faults."""
    cases = {
        "<hp:MatiereCours><hp:ACours>999</hp:ACours></hp:MatiereCours>": "n'existe pas",
        "<hp:AccederEtudiantParNumeroINE><hp:ANumeroINE>X</hp:ANumeroINE>"
        "</hp:AccederEtudiantParNumeroINE>": "Aucun étudiant",
        "<hp:TousLesCoursEntre2Dates><hp:ADate1>demain</hp:ADate1><hp:ADate2>2025-01-01"
        "</hp:ADate2></hp:TousLesCoursEntre2Dates>": "Date mal formée",
    }
    for call, expected in cases.items():
        reply = _post(emulator, call)
        assert reply.status_code == 500
        text = etree.fromstring(reply.content).findtext(".//faultstring") or ""
        assert expected in text


def test_denied_interface_is_a_fault(emulator: RunningEmulator) -> None:
    """An interface the account may not use answers a fault naming the interface."""
    emulator.state.denied_interfaces.add("Cours")
    reply = _post(emulator, "<hp:TousLesCours/>")
    assert "IHpSvcWCours" in (etree.fromstring(reply.content).findtext(".//faultstring") or "")


def test_unavailable_switch_answers_503(emulator: RunningEmulator) -> None:
    """The control endpoint switches the base to HTTP 503 and back."""
    assert httpx.post(
        f"{emulator.url}/_emulator/unavailable", json={"on": True}, auth=AUTH
    ).is_success
    assert httpx.get(f"{emulator.url}/wsdl", auth=AUTH).status_code == 503
    assert _post(emulator, "<hp:TousLesCours/>").status_code == 503
    httpx.post(f"{emulator.url}/_emulator/unavailable", json={"on": False}, auth=AUTH)
    assert _post(emulator, "<hp:TousLesCours/>").status_code == 200


def test_stats_count_calls_and_reset(emulator: RunningEmulator) -> None:
    """Stats count SOAP calls per method and reset to zero."""
    _post(emulator, "<hp:TousLesCours/>")
    _post(emulator, "<hp:TousLesCours/>")
    stats = httpx.get(f"{emulator.url}/_emulator/stats", auth=AUTH).json()
    assert stats["calls"] == {"TousLesCours": 2}
    httpx.post(f"{emulator.url}/_emulator/stats/reset", auth=AUTH)
    assert httpx.get(f"{emulator.url}/_emulator/stats", auth=AUTH).json()["total"] == 0
    assert httpx.get(f"{emulator.url}/_emulator/stats").status_code == 401


def test_data_control_replaces_the_base(emulator: RunningEmulator) -> None:
    """POST data replaces the served base; GET data returns it with absences."""
    data = httpx.get(f"{emulator.url}/_emulator/data", auth=AUTH).json()
    assert data["absences"][0]["student"] == 1
    data["courses"] = data["courses"][:1]
    assert httpx.post(f"{emulator.url}/_emulator/data", json=data, auth=AUTH).is_success
    doc = etree.fromstring(_post(emulator, "<hp:TousLesCours/>").content)
    assert [e.text for e in doc.iter(f"{{{NS}}}THpSvcWCleCours")] == ["1"]


def test_dtd_in_a_request_is_refused(emulator: RunningEmulator) -> None:
    """A request carrying a DTD (entity expansion attempt) is a fault, not expanded."""
    body = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + _envelope(
        "<hp:NomSalle><hp:ASalle>&a;</hp:ASalle></hp:NomSalle>"
    )
    reply = httpx.post(f"{emulator.url}/IHpSvcWSalles", content=body, auth=AUTH)
    assert reply.status_code == 500
    assert "DTD" in (etree.fromstring(reply.content).findtext(".//faultstring") or "")
