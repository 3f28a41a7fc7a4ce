"""Reading WSDL documents and SOAP answers in tests, with lxml only."""

from __future__ import annotations

import httpx
from lxml import etree

from hpsync.emulators.hyperplanning import RunningEmulator

from .conftest import AUTH, NS

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"


def get_wsdl(emu: RunningEmulator, path: str = "wsdl") -> etree._Element:
    """GET a WSDL document under the emulator's root (200 expected)."""
    reply = httpx.get(f"{emu.url}/{path}", auth=AUTH)
    assert reply.status_code == 200, reply.text
    return etree.fromstring(reply.content)


def operation_names(doc: etree._Element) -> set[str]:
    """Names of every portType operation of a WSDL."""
    return {
        str(op.get("name"))
        for port_type in doc.iter(f"{{{WSDL}}}portType")
        for op in port_type.iter(f"{{{WSDL}}}operation")
    }


def wrapper_params(doc: etree._Element) -> dict[str, tuple[str, ...]]:
    """Document/literal: each request wrapper element's child names, by operation name."""
    out: dict[str, tuple[str, ...]] = {}
    for schema in doc.iter(f"{{{XSD}}}schema"):
        for element in schema.findall(f"{{{XSD}}}element"):
            name = str(element.get("name"))
            if not name.endswith("Response"):
                children = element.findall(f".//{{{XSD}}}sequence/{{{XSD}}}element")
                out[name] = tuple(str(c.get("name")) for c in children)
    return out


def addresses(doc: etree._Element) -> list[str]:
    """Every soap:address location of a WSDL."""
    return [str(a.get("location")) for a in doc.iter(f"{{{SOAP_BINDING}}}address")]


def envelope(inner: str) -> str:
    """A SOAP 1.1 document/literal envelope around one operation element (prefix hp)."""
    return (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:hp="{NS}"><soapenv:Body>{inner}</soapenv:Body></soapenv:Envelope>'
    )


def post(url: str, body: str) -> httpx.Response:
    """POST a SOAP body with the test credentials."""
    return httpx.post(
        url,
        content=body,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        auth=AUTH,
    )


def faultstring(reply: httpx.Response) -> str:
    """The faultstring of a SOAP Fault answer ('' when there is none)."""
    return etree.fromstring(reply.content).findtext(".//faultstring") or ""
