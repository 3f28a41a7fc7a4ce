"""The public profile over HTTP: only attested operations, another host in soap:address,
RPC/encoded WSDL, CreerRetardEtudiant's public shape and TousLesMotifs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

import httpx
import pytest
import requests
from lxml import etree
from zeep.exceptions import Fault

from hpsync.emulators.hyperplanning import RunningEmulator

from .conftest import AUTH, NS, Soap
from .wire import (
    addresses,
    envelope,
    faultstring,
    get_wsdl,
    operation_names,
    post,
    wrapper_params,
)

#: Every operation evidence-2026-12.md (§1a, §1b) or hyperplanning-api.md marks I, or that
#: no reference names at all: written out here, not read from the emulator's spec.
EVIDENCE_I = {
    "TousLesRegroupements", "NomRegroupement", "LibellesLongsTableauDeSalles",
    "IdentifiantsCASTableauDEnseignants", "NumerosINETableauDEtudiants",
    "IdentifiantsCASTableauDEtudiants", "PromotionsTableauDEtudiants",
    "TDOptionsTableauDEtudiants", "RegroupementsTableauDEtudiants", "CodesTableauDePromotions",
    "CodesTableauDeRegroupements", "NomsTableauDeTDOptions", "CodesTableauDeTDOptions",
    "PromotionsTableauDeTDOptions", "SontDesOptionsTableauDeTDOptions",
    "SontCoursPeresTableauDeCours", "SontCoursFilsTableauDeCours", "CoursPeresTableauDeCours",
    "MemosTableauDeCours", "EnseignantsTableauDeCours", "SallesTableauDeCours",
    "PromotionsTableauDeCours", "TDOptionsTableauDeCours", "RegroupementsTableauDeCours",
    "EtudiantsTableauDeCours", "RegroupementsDuCours", "RubriquesTableauDeFamilles",
    "RubriquesTableauDEnseignantsDeFamille", "RubriquesTableauDEtudiantsDeFamille",
    "RubriquesTableauDeCoursDeFamille", "RubriqueDeLEtudiantDeFamille",
    "RubriqueDuCoursDeFamille", "ToutesLesDispenses", "DispensesEtudiant",
    "EtudiantsTableauDeDispenses", "MatieresTableauDeDispenses",
    "SontDispensesGlobalesTableauDeDispenses", "DatesDebutTableauDeDispenses",
    "DatesFinTableauDeDispenses", "TousLesMaitresDeStage", "NomsTableauDeMaitresDeStage",
    "PrenomsTableauDeMaitresDeStage", "EMailsTableauDeMaitresDeStage",
    "EntreprisesTableauDeMaitresDeStage", "TelephonesTableauDeMaitresDeStage",
    "MaitresDeStageEtudiant", "MaitresDeStageTableauDEtudiants",
    "DetailDesSeancesAnnuleesDuCours", "DetailDesSeancesAnnuleesTableauDeCours",
    "DetailDesAbsencesEntre2Dates", "DetailDesRetardsEntre2Dates",
    "ModifierMotifAbsenceEtudiant", "ModifierMotifRetardEtudiant", "SupprimerRetardEtudiant",
}  # fmt: skip

#: The per-record operations public clients use, with their public parameter names.
PER_RECORD = {
    "PromotionsEtudiant": ("AEtudiant",),
    "RegroupementsEtudiant": ("AEtudiant",),
    "TDOptionsEtudiantALaDate": ("AEtudiant", "ADate"),
    "CoursEstUnCoursPere": ("ACours",),
    "CoursEstUnCoursFils": ("ACours",),
    "CoursEstUnCoursSimple": ("ACours",),
    "EnseignantsDuCours": ("ACours",),
    "SallesDuCours": ("ACours",),
    "PromotionsDuCours": ("ACours",),
    "TDOptionsDuCours": ("ACours",),
    "EtudiantsDuCours": ("ACours",),
    "MemoCours": ("ACours",),
    "ToutesLesRubriquesDeLaFamille": ("AFamille",),
    "RubriqueDeLEnseignantDeFamille": ("AFamille", "AEnseignant"),
    "LibelleLongSalle": ("ASalle",),
    "IdentifiantCASEnseignant": ("AEnseignant",),
    "AbsencesEntre2Dates": ("ADateHeureDebut", "ADateHeureFin"),
    "AbsencesEtudiantEntre2Dates": ("AEtudiant", "ADateHeureDebut", "ADateHeureFin"),
    "DateHeureDebutAbsenceEtudiant": ("AAbsence",),
    "DateHeureFinAbsenceEtudiant": ("AAbsence",),
    "AbsenceEtudiantEstJustifiee": ("AAbsence",),
    "MotifAbsenceEtudiant": ("AAbsence",),
    "EtudiantAbsenceEtudiant": ("AAbsence",),
    "CoursManquesAbsenceEtudiant": ("AAbsence",),
    "RetardsEtudiantEntre2Dates": ("AEtudiant", "ADateHeureDebut", "ADateHeureFin"),
    "DateHeureRetardEtudiant": ("ARetard",),
    "DureeRetardEtudiant": ("ARetard",),
    "RetardEtudiantEstJustifie": ("ARetard",),
    "MotifRetardEtudiant": ("ARetard",),
}

MOTIFS = ["Maladie", "Rendez-vous médical", "Transport", "Raison familiale", "Autre"]


def test_public_wsdl_lacks_every_unattested_operation(public_emu: RunningEmulator) -> None:
    """No operation the evidence marks I appears in the public WSDL, nor an interface
    without any public method (Dispenses, Stages, CoursAnnules)."""
    doc = get_wsdl(public_emu)
    names = operation_names(doc)
    assert len(names) > 90
    assert not names & EVIDENCE_I
    port_types = {
        str(p.get("name")) for p in doc.iter("{http://schemas.xmlsoap.org/wsdl/}portType")
    }
    assert not port_types & {"IHpSvcWDispenses", "IHpSvcWStages", "IHpSvcWCoursAnnules"}
    assert b"TableauTableauxCles" not in etree.tostring(doc)
    for interface in ("Dispenses", "Stages", "CoursAnnules"):
        partial = httpx.get(f"{public_emu.url}/wsdl/IHpSvcW{interface}", auth=AUTH)
        assert partial.status_code == 404


def test_full_wsdl_still_serves_the_guesses(fresh_emu: Callable[..., RunningEmulator]) -> None:
    """The default profile keeps the unattested operations the client relies on today."""
    names = operation_names(get_wsdl(fresh_emu()))
    assert names >= EVIDENCE_I
    assert "TousLesMotifs" in names


def test_public_wsdl_declares_the_per_record_operations_in_their_public_shape(
    public_emu: RunningEmulator,
) -> None:
    """Every attested per-record operation is there with exactly its public parameters."""
    params = wrapper_params(get_wsdl(public_emu))
    for name, expected in PER_RECORD.items():
        assert params.get(name) == expected, name
    assert params["CreerRetardEtudiant"] == (
        "AEtudiant",
        "ADateHeureDebut",
        "ADateHeureFin",
        "AJustifie",
    )


def test_public_soap_address_names_another_host_yet_the_served_url_works(
    public_emu: RunningEmulator, public_soap: Soap
) -> None:
    """soap:address points at an internal host; a client trusting it cannot connect, one
    posting to its configured URL gets answers."""
    served = urlsplit(public_emu.url)
    for location in addresses(get_wsdl(public_emu)):
        parts = urlsplit(location)
        assert parts.hostname == "hpsw.internal.invalid" and parts.port == 8080
        assert parts.netloc != served.netloc
        assert parts.path.startswith("/hpsw/IHpSvcW")
    with pytest.raises(requests.exceptions.ConnectionError):
        public_soap.client.service.Version()
    assert public_soap.port("Admin").Version().startswith("HYPERPLANNING")
    raw = post(f"{public_emu.url}/IHpSvcWCours", envelope("<hp:TousLesCours/>"))
    keys = etree.fromstring(raw.content).iter(f"{{{NS}}}THpSvcWCleCours")
    assert len(list(keys)) == 28


def test_full_profile_keeps_addresses_from_the_request(
    fresh_emu: Callable[..., RunningEmulator],
) -> None:
    """The default profile still builds every soap:address from the URL the client used."""
    emu = fresh_emu()
    assert all(a.startswith(f"{emu.url}/IHpSvcW") for a in addresses(get_wsdl(emu)))


def test_rpc_encoded_wsdl_is_served_with_soap_enc_arrays(public_emu: RunningEmulator) -> None:
    """/wsdl/RpcEncoded answers an RPC/encoded WSDL of the same public operations."""
    doc = get_wsdl(public_emu, "wsdl/RpcEncoded")
    assert operation_names(doc) == operation_names(get_wsdl(public_emu))
    soap = "{http://schemas.xmlsoap.org/wsdl/soap/}"
    assert {b.get("style") for b in doc.iter(f"{soap}binding")} == {"rpc"}
    assert {b.get("use") for b in doc.iter(f"{soap}body")} == {"encoded"}
    text = etree.tostring(doc).decode()
    assert 'wsdl:arrayType="tns:THpSvcWCleCours[]"' in text
    message = doc.find(".//{http://schemas.xmlsoap.org/wsdl/}message[@name='MemoCoursRequest']")
    assert message is not None
    assert [(p.get("name"), p.get("type")) for p in message] == [("ACours", "tns:THpSvcWCleCours")]
    assert all("/RpcEncoded/IHpSvcW" in a for a in addresses(doc))


def test_rpc_encoded_call_as_php_sends_it_gets_an_encoded_answer(
    public_emu: RunningEmulator,
) -> None:
    """A PHP-style RPC/encoded request (encodingStyle, xsi:type, SOAP-ENC array) is
    answered with a SOAP-ENC array of typed items."""
    body = (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:ns1="{NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" '
        'SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><SOAP-ENV:Body>'
        '<ns1:NomsTableauDeSalles><ATableau SOAP-ENC:arrayType="xsd:int[2]" '
        'xsi:type="SOAP-ENC:Array"><item xsi:type="xsd:int">1</item>'
        '<item xsi:type="xsd:int">5</item></ATableau></ns1:NomsTableauDeSalles>'
        "</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    reply = post(f"{public_emu.url}/IHpSvcWSalles", body)
    assert reply.status_code == 200, reply.text
    result = etree.fromstring(reply.content).find(f".//{{{NS}}}NomsTableauDeSallesResponse/return")
    assert result is not None
    enc = "http://schemas.xmlsoap.org/soap/encoding/"
    assert result.get(f"{{{enc}}}arrayType") == "xsd:string[2]"
    assert [item.text for item in result.iter("item")] == ["A101", "Amphi 1"]


def test_creer_retard_public_shape_records_a_delay(
    fresh_emu: Callable[..., RunningEmulator],
) -> None:
    """CreerRetardEtudiant(AEtudiant, ADateHeureDebut, ADateHeureFin, AJustifie) records a
    delay from start to end; the delay getters read it back."""
    emu = fresh_emu(profile="public")
    absences = Soap(emu).port("Absences")
    key = absences.CreerRetardEtudiant(
        AEtudiant=3,
        ADateHeureDebut=datetime(2026, 9, 3, 8, 0),
        ADateHeureFin=datetime(2026, 9, 3, 8, 12),
        AJustifie=True,
    )
    assert absences.RetardsEtudiantEntre2Dates(
        AEtudiant=3,
        ADateHeureDebut=datetime(2026, 9, 3, 0, 0),
        ADateHeureFin=datetime(2026, 9, 4, 0, 0),
    ) == [key]
    assert absences.DateHeureRetardEtudiant(ARetard=key).replace(tzinfo=None) == datetime(
        2026, 9, 3, 8, 0
    )
    assert round(absences.DureeRetardEtudiant(ARetard=key) * 1440) == 12
    assert absences.RetardEtudiantEstJustifie(ARetard=key) is True
    with pytest.raises(Fault, match="postérieure"):
        absences.CreerRetardEtudiant(
            AEtudiant=3,
            ADateHeureDebut=datetime(2026, 9, 3, 8, 0),
            ADateHeureFin=datetime(2026, 9, 3, 8, 0),
            AJustifie=False,
        )


def test_creer_retard_duration_form_is_refused_in_public_and_kept_in_full(
    fresh_emu: Callable[..., RunningEmulator],
) -> None:
    """The client's duration-in-days call faults on the public profile (its third argument
    is missing) and still works on the full one."""
    call = (
        "<hp:CreerRetardEtudiant><hp:AEtudiant>1</hp:AEtudiant>"
        "<hp:ADateHeure>2026-09-03T08:00:00</hp:ADateHeure><hp:ADuree>0.01</hp:ADuree>"
        "<hp:AJustifie>false</hp:AJustifie></hp:CreerRetardEtudiant>"
    )
    public = post(f"{fresh_emu(profile='public').url}/IHpSvcWAbsences", envelope(call))
    assert public.status_code == 500
    assert "ADateHeureDebut" in faultstring(public)
    full = post(f"{fresh_emu().url}/IHpSvcWAbsences", envelope(call))
    assert full.status_code == 200
    assert etree.fromstring(full.content).findtext(f".//{{{NS}}}return") == "1"


@pytest.mark.parametrize("profile", ["full", "public"])
def test_tous_les_motifs_lists_the_motif_labels(
    profile: str, fresh_emu: Callable[..., RunningEmulator]
) -> None:
    """TousLesMotifs answers the fixed motif list as a THpSvcWTableauChaines of strings."""
    emu = fresh_emu(profile=profile)
    reply = post(f"{emu.url}/IHpSvcWAbsences", envelope("<hp:TousLesMotifs/>"))
    assert reply.status_code == 200
    result = etree.fromstring(reply.content).find(f".//{{{NS}}}return")
    assert result is not None
    assert [e.text for e in result.iter(f"{{{NS}}}string")] == MOTIFS
    assert Soap(emu).port("Absences").TousLesMotifs() == MOTIFS


def test_unattested_operation_posted_to_the_public_profile_is_a_fault(
    public_emu: RunningEmulator,
) -> None:
    """A call to an I operation on the public profile is a SOAP Fault, not an answer."""
    for call in ("<hp:TousLesRegroupements/>", "<hp:ToutesLesDispenses/>"):
        reply = post(f"{public_emu.url}/IHpSvcWRegroupements", envelope(call))
        assert reply.status_code == 500
        assert "Méthode inconnue" in faultstring(reply)
