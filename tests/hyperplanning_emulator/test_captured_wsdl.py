"""A WSDL captured from a real server: served as is, and only what it declares answered."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import requests
from lxml import etree
from typer.testing import CliRunner
from zeep import Client
from zeep.transports import Transport

from hpsync.cli import app
from hpsync.emulators.hyperplanning import RunningEmulator
from hpsync.emulators.hyperplanning.captured import load_captured
from hpsync.emulators.hyperplanning.wsdl import rpc_wsdl

from .conftest import AUTH, NS, school_data
from .wire import envelope, faultstring, operation_names, post

PILOT_NS = "urn:lycee-pilote:hpsw"
REAL_ADDRESS = "https://hp.lycee-pilote.invalid/hpsw"


def _wrapper(name: str, children: dict[str, str]) -> str:
    inner = "".join(f'<xsd:element name="{n}" type="{t}"/>' for n, t in children.items())
    return (
        f'<xsd:element name="{name}"><xsd:complexType><xsd:sequence>{inner}'
        "</xsd:sequence></xsd:complexType></xsd:element>"
    )


def captured_wsdl(operations: dict[str, tuple[dict[str, str], dict[str, str]]]) -> str:
    """A small document/literal WSDL as a pilot school's server would publish it:
    its own namespace, its internal host in soap:address, interface Salles only."""
    schema = "".join(
        _wrapper(name, params) + _wrapper(f"{name}Response", result)
        for name, (params, result) in operations.items()
    )
    messages = "".join(
        f'<wsdl:message name="{n}{s}"><wsdl:part name="parameters" element="tns:{n}{e}"/>'
        "</wsdl:message>"
        for n in operations
        for s, e in (("In", ""), ("Out", "Response"))
    )
    port_ops = "".join(
        f'<wsdl:operation name="{n}"><wsdl:input message="tns:{n}In"/>'
        f'<wsdl:output message="tns:{n}Out"/></wsdl:operation>'
        for n in operations
    )
    binding_ops = "".join(
        f'<wsdl:operation name="{n}"><soap:operation soapAction="urn:HpSvcW-IHpSvcWSalles#{n}"/>'
        '<wsdl:input><soap:body use="literal"/></wsdl:input>'
        '<wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>'
        for n in operations
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:tns="{PILOT_NS}" targetNamespace="{PILOT_NS}">'
        f'<wsdl:types><xsd:schema targetNamespace="{PILOT_NS}" elementFormDefault="qualified">'
        f"{schema}</xsd:schema></wsdl:types>{messages}"
        f'<wsdl:portType name="IHpSvcWSalles">{port_ops}</wsdl:portType>'
        '<wsdl:binding name="BindingSalles" type="tns:IHpSvcWSalles">'
        '<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>'
        f"{binding_ops}</wsdl:binding>"
        '<wsdl:service name="HpSvcWDonnees"><wsdl:port name="PortSalles" '
        f'binding="tns:BindingSalles"><soap:address location="{REAL_ADDRESS}/IHpSvcWSalles"/>'
        "</wsdl:port></wsdl:service></wsdl:definitions>\n"
    )


OPERATIONS = {
    "NomSalle": ({"ASalle": "xsd:unsignedInt"}, {"NomSalleResult": "xsd:string"}),
    "LibelleLongSalle": ({"ASalle": "xsd:unsignedInt"}, {"return": "xsd:string"}),
    # declared, but with a parameter name the emulator does not know
    "TDOptionsEtudiantALaDate": (
        {"AEtudiant": "xsd:unsignedInt", "ADateDuJour": "xsd:date"},
        {"return": "xsd:string"},
    ),
    # declared, but the emulator has no answer for it
    "CouleurMotif": ({"AMotif": "xsd:string"}, {"return": "xsd:string"}),
    # public evidence I: answered in full, refused in public
    "TousLesRegroupements": ({}, {"return": "xsd:string"}),
}


@pytest.fixture
def capture_dir(tmp_path: Path) -> Path:
    """DIR/wsdl.xml and DIR/IHpSvcWSalles.xml, as a pilot school saves them."""
    directory = tmp_path / "captured"
    directory.mkdir()
    (directory / "wsdl.xml").write_text(captured_wsdl(OPERATIONS), encoding="utf-8")
    partial = {k: OPERATIONS[k] for k in ("NomSalle", "LibelleLongSalle")}
    (directory / "IHpSvcWSalles.xml").write_text(captured_wsdl(partial), encoding="utf-8")
    return directory


def test_captured_documents_are_served_byte_for_byte(
    capture_dir: Path, fresh_emu: Callable[..., RunningEmulator]
) -> None:
    """GET wsdl and wsdl/IHpSvcWSalles return the stored files unchanged (the real
    server's address included); a document not captured is 404."""
    emu = fresh_emu(wsdl_dir=capture_dir)
    full = httpx.get(f"{emu.url}/wsdl", auth=AUTH)
    assert full.status_code == 200
    assert full.content == (capture_dir / "wsdl.xml").read_bytes()
    partial = httpx.get(f"{emu.url}/wsdl/IHpSvcWSalles", auth=AUTH)
    assert partial.content == (capture_dir / "IHpSvcWSalles.xml").read_bytes()
    assert httpx.get(f"{emu.url}/wsdl/RpcEncoded", auth=AUTH).status_code == 404
    assert httpx.get(f"{emu.url}/wsdl/IHpSvcWCours", auth=AUTH).status_code == 404
    assert httpx.get(f"{emu.url}/wsdl", auth=("x", "y")).status_code == 401
    captured = load_captured(capture_dir, "full")
    assert captured.document("wsdl/../wsdl") is None
    assert captured.document("wsdl/.hidden") is None


def test_declared_operations_answer_in_the_captured_namespace(
    capture_dir: Path, fresh_emu: Callable[..., RunningEmulator]
) -> None:
    """zeep compiled from the captured WSDL calls declared operations on the configured
    URL and reads the answers (captured namespace and result element name)."""
    emu = fresh_emu(wsdl_dir=capture_dir)
    session = requests.Session()
    session.auth = AUTH
    client = Client(f"{emu.url}/wsdl", transport=Transport(session=session))
    rooms = client.create_service(f"{{{PILOT_NS}}}BindingSalles", f"{emu.url}/IHpSvcWSalles")
    data = school_data()
    assert rooms.NomSalle(ASalle=1) == data["rooms"][0]["name"]
    assert rooms.LibelleLongSalle(ASalle=4) == data["rooms"][3]["long_label"]
    raw = post(
        f"{emu.url}/IHpSvcWSalles", envelope("<hp:NomSalle><hp:ASalle>2</hp:ASalle></hp:NomSalle>")
    )
    answer = etree.fromstring(raw.content).find(f".//{{{PILOT_NS}}}NomSalleResult")
    assert answer is not None and answer.text == data["rooms"][1]["name"]


def test_operations_not_declared_or_not_answerable_are_faults(
    capture_dir: Path, fresh_emu: Callable[..., RunningEmulator]
) -> None:
    """An operation absent from the captured WSDL, one declared with parameter names the
    emulator does not know, and one it cannot answer are SOAP Faults."""
    emu = fresh_emu(wsdl_dir=capture_dir)
    calls = (
        "<hp:TousLesCours/>",
        "<hp:NomEnseignant><hp:AEnseignant>1</hp:AEnseignant></hp:NomEnseignant>",
        "<hp:TDOptionsEtudiantALaDate><hp:AEtudiant>1</hp:AEtudiant>"
        "<hp:ADateDuJour>2026-10-01</hp:ADateDuJour></hp:TDOptionsEtudiantALaDate>",
        "<hp:CouleurMotif><hp:AMotif>Maladie</hp:AMotif></hp:CouleurMotif>",
    )
    for call in calls:
        reply = post(f"{emu.url}/IHpSvcWSalles", envelope(call))
        assert reply.status_code == 500, call
        assert "Méthode inconnue" in faultstring(reply), call
    captured = emu.state.captured
    assert captured is not None
    assert set(captured.operations) == {"NomSalle", "LibelleLongSalle", "TousLesRegroupements"}
    assert "ADateDuJour" in captured.refused["TDOptionsEtudiantALaDate"]
    assert "CouleurMotif" in captured.refused


def test_public_profile_over_a_captured_wsdl_still_refuses_guesses(capture_dir: Path) -> None:
    """With the public profile, an unattested operation the captured WSDL declares is not
    answered (the emulator has no public evidence for its shape)."""
    captured = load_captured(capture_dir, "public")
    assert "TousLesRegroupements" in captured.refused
    assert "NomSalle" in captured.operations


def test_a_captured_interval_creer_retard_is_matched_in_the_full_profile(
    tmp_path: Path, fresh_emu: Callable[..., RunningEmulator]
) -> None:
    """A real WSDL declaring CreerRetardEtudiant with a start and an end is answered with
    that shape even in the full profile (the shape is chosen by parameter names)."""
    params = {
        "AEtudiant": "xsd:unsignedInt",
        "ADateHeureDebut": "xsd:dateTime",
        "ADateHeureFin": "xsd:dateTime",
        "AJustifie": "xsd:boolean",
    }
    (tmp_path / "wsdl.xml").write_text(
        captured_wsdl({"CreerRetardEtudiant": (params, {"return": "xsd:unsignedInt"})}),
        encoding="utf-8",
    )
    emu = fresh_emu(wsdl_dir=tmp_path)
    call = (
        "<hp:CreerRetardEtudiant><hp:AEtudiant>2</hp:AEtudiant>"
        "<hp:ADateHeureDebut>2026-09-03T08:00:00</hp:ADateHeureDebut>"
        "<hp:ADateHeureFin>2026-09-03T08:20:00</hp:ADateHeureFin>"
        "<hp:AJustifie>false</hp:AJustifie></hp:CreerRetardEtudiant>"
    )
    reply = post(f"{emu.url}/IHpSvcWAbsences", envelope(call))
    assert reply.status_code == 200, reply.text
    delays = emu.state.school.to_dict()["delays"]
    assert [(d["student"], d["at"], d["minutes"]) for d in delays] == [
        (2, "2026-09-03T08:00:00", 20)
    ]


def test_a_directory_without_wsdl_xml_is_refused(tmp_path: Path) -> None:
    """A directory lacking the full WSDL is an error naming the expected file."""
    with pytest.raises(FileNotFoundError, match=r"wsdl\.xml"):
        load_captured(tmp_path, "full")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(args: list[str], path: str) -> httpx.Response:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hpsync", "emulate", "hyperplanning", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/hpsw/{path}", auth=AUTH)
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError(f"the emulator did not serve: {proc.stderr}")
    finally:
        proc.terminate()
        proc.wait(10)


def test_cli_profile_public_and_wsdl_dir(capture_dir: Path, tmp_path: Path) -> None:
    """``hpsync emulate hyperplanning --profile public`` serves the public WSDL and
    ``--wsdl DIR`` serves the captured one."""
    data = tmp_path / "school.json"
    data.write_text(json.dumps(school_data()), encoding="utf-8")
    base = ["--data", str(data), "--user", AUTH[0], "--password", AUTH[1]]
    public = _serve([*base, "--profile", "public"], "wsdl")
    assert public.status_code == 200
    names = operation_names(etree.fromstring(public.content))
    assert "TousLesMotifs" in names and "TousLesRegroupements" not in names
    assert b"hpsw.internal.invalid" in public.content
    captured = _serve([*base, "--wsdl", str(capture_dir)], "wsdl")
    assert captured.content == (capture_dir / "wsdl.xml").read_bytes()


def test_cli_rejects_an_unknown_profile(tmp_path: Path) -> None:
    """An unknown --profile is a usage error (exit 2) before anything is served."""
    data = tmp_path / "school.json"
    data.write_text(json.dumps(school_data()), encoding="utf-8")
    args = ["emulate", "hyperplanning", "--data", str(data), "--user", "u", "--password", "p"]
    result = CliRunner().invoke(app, [*args, "--profile", "secret"])
    assert result.exit_code == 2


def test_a_captured_rpc_encoded_wsdl_is_served_and_answered_encoded(
    capture_dir: Path, fresh_emu: Callable[..., RunningEmulator]
) -> None:
    """DIR/RpcEncoded.xml is served at wsdl/RpcEncoded, and an operation it alone declares
    is answered in RPC/encoded form (SOAP-ENC array) to a PHP-style request."""
    rpc = rpc_wsdl("https://hp.lycee-pilote.invalid/hpsw", "public")
    (capture_dir / "RpcEncoded.xml").write_text(rpc, encoding="utf-8")
    emu = fresh_emu(wsdl_dir=capture_dir)
    served = httpx.get(f"{emu.url}/wsdl/RpcEncoded", auth=AUTH)
    assert served.content == rpc.encode()
    body = (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:ns1="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><SOAP-ENV:Body>'
        '<ns1:NomsTableauDeSalles><ATableau><item xsi:type="xsd:int">3</item></ATableau>'
        "</ns1:NomsTableauDeSalles></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    reply = post(f"{emu.url}/RpcEncoded/IHpSvcWSalles", body)
    assert reply.status_code == 200, reply.text
    result = etree.fromstring(reply.content).find(f".//{{{NS}}}NomsTableauDeSallesResponse/return")
    assert result is not None
    enc = "http://schemas.xmlsoap.org/soap/encoding/"
    assert result.get(f"{{{enc}}}arrayType") == "xsd:string[1]"
    assert [i.text for i in result.iter("item")] == [school_data()["rooms"][2]["name"]]
    # declared by RpcEncoded.xml only: a literal call is answered literal, in its namespace
    literal = post(f"{emu.url}/IHpSvcWCours", envelope("<hp:TousLesCours/>"))
    assert literal.status_code == 200
    keys = etree.fromstring(literal.content).iter("THpSvcWCleCours")
    assert len(list(keys)) == len(school_data()["courses"])
