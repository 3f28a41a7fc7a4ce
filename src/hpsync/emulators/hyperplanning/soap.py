"""SOAP 1.1 on the wire: parse a request, encode a result or a fault.

Two flavours, as the real service publishes both (hyperplanning-api.md §1.4):
document/literal wrapped (``/wsdl``, what zeep and node-soap use) and RPC/encoded
(``/wsdl/RpcEncoded``, what PHP's ``SoapClient`` uses: SOAP-ENC arrays of ``item``,
``xsi:type`` on every value). Parameters are read by their local names either way, so one
decoder serves both. Requests are parsed with entities, DTDs and network access disabled.
Responses are built as strings (fast enough for 15k seances in one bulk answer).
Date-times leave as the base's wall time, suffixed ``Z`` when the quirk is on (the real
service labels local time as UTC); a ``Z`` coming in is read the same way, a real offset
is converted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from lxml import etree

from hpsync.emulators.hyperplanning.spec import Operation
from hpsync.emulators.hyperplanning.spec_types import TYPES
from hpsync.emulators.hyperplanning.state import HpFault

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
#: Our guess (hyperplanning-api.md §1.3: not observed); clients read it from the WSDL.
NAMESPACE = "http://www.indexeducation.com/frahtm/HpSvcW.html"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True, slots=True)
class WireOptions:
    """Per-server encoding choices."""

    timezone: str
    z_suffix: bool = True


@dataclass(frozen=True, slots=True)
class Reply:
    """How one answer is written: its namespace, element names and flavour.

    Generated WSDLs answer in ``NAMESPACE`` with qualified children and a ``return``
    element; a captured WSDL may say otherwise, and its clients expect what it says.
    """

    namespace: str = NAMESPACE
    qualified: bool = True
    result: str = "return"
    encoded: bool = False  # RPC/encoded instead of document/literal


@dataclass(frozen=True, slots=True)
class Call:
    """One parsed request: the operation, its element, and whether it is RPC/encoded."""

    op: Operation
    element: etree._Element
    encoded: bool


def _local(tag: object) -> str:
    return etree.QName(str(tag)).localname if isinstance(tag, str) else ""


def _declares_encoding(*elements: etree._Element) -> bool:
    return any(SOAP_ENC in (e.get(f"{{{SOAP_ENV}}}encodingStyle") or "") for e in elements)


def parse_request(body: bytes, known: Mapping[str, Operation]) -> Call:
    """Find the operation element in a SOAP 1.1 envelope among the ``known`` operations."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise HpFault(f"Requête SOAP illisible : {exc}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise HpFault("Les déclarations DTD ne sont pas acceptées.")
    bodies = [e for e in root if _local(e.tag) == "Body"]
    if _local(root.tag) != "Envelope" or not bodies:
        raise HpFault("Enveloppe SOAP 1.1 attendue.")
    calls = [e for e in bodies[0] if isinstance(e.tag, str)]
    if not calls:
        raise HpFault("Corps SOAP vide.")
    element = calls[0]
    op = known.get(_local(element.tag))
    if op is None:
        raise HpFault(f"Méthode inconnue : {_local(element.tag)}.")
    return Call(op, element, _declares_encoding(root, bodies[0], element))


def decode_params(op: Operation, element: etree._Element, wire: WireOptions) -> dict[str, Any]:
    """Decode the operation's parameters by their declared types."""
    children = {_local(c.tag): c for c in element if isinstance(c.tag, str)}
    values: dict[str, Any] = {}
    for name, type_name in op.params:
        child = children.get(name)
        if child is None:
            raise HpFault(f"Paramètre manquant : {name}.")
        values[name] = _decode(child, type_name, name, wire)
    return values


def _is_nil(element: etree._Element) -> bool:
    return element.get(f"{{{XSI}}}nil") in {"true", "1"}


def _decode(element: etree._Element, type_name: str, name: str, wire: WireOptions) -> Any:
    spec = TYPES[type_name]
    if spec.kind == "array":
        return [
            _decode(item, spec.item_type, name, wire)
            for item in element
            if isinstance(item.tag, str)
        ]
    if _is_nil(element):
        return None
    text = (element.text or "").strip()
    base = spec.base
    try:
        if spec.kind == "key" or base in {"xsd:unsignedInt", "xsd:int"}:
            return int(text)
        if base == "xsd:double":
            return float(text)
        if base == "xsd:boolean":
            if text not in {"true", "false", "1", "0"}:
                raise ValueError(text)
            return text in {"true", "1"}
        if base == "xsd:date":
            return date.fromisoformat(text[:10])
        if base == "xsd:dateTime":
            return _wall(datetime.fromisoformat(text), wire)
    except ValueError:
        what = "Date mal formée" if "date" in base.lower() else "Valeur invalide"
        raise HpFault(f"{what} pour le paramètre {name} : « {text} ».") from None
    if spec.kind == "enum" and text not in spec.values:
        raise HpFault(f"Valeur inconnue pour {name} : « {text} ».")
    return element.text or ""


def _wall(value: datetime, wire: WireOptions) -> datetime:
    offset = value.utcoffset()
    if value.tzinfo is None or (offset is not None and not offset and wire.z_suffix):
        return value.replace(tzinfo=None)
    return value.astimezone(ZoneInfo(wire.timezone)).replace(tzinfo=None)


def encode(value: Any, type_name: str, tag: str, wire: WireOptions) -> str:
    """One element ``<tag>`` holding ``value`` as ``type_name``."""
    spec = TYPES[type_name]
    if spec.kind == "array":
        inner = "".join(encode(v, spec.item_type, spec.item_name, wire) for v in value or [])
        return f"<{tag}>{inner}</{tag}>"
    if spec.kind == "struct":
        inner = "".join(encode(value.get(f), t, f, wire) for f, t in spec.fields)
        return f"<{tag}>{inner}</{tag}>"
    if value is None:
        return f'<{tag} xsi:nil="true"/>'
    return f"<{tag}>{_scalar(value, spec.base, wire)}</{tag}>"


def _scalar(value: Any, base: str, wire: WireOptions) -> str:
    if base == "xsd:boolean":
        return "true" if value else "false"
    if base == "xsd:dateTime":
        text = value.isoformat(timespec="seconds")
        return str(text) + "Z" if wire.z_suffix else str(text)
    if base == "xsd:date":
        return str(value.isoformat())
    if base == "xsd:double":
        return repr(float(value))
    if base in {"xsd:unsignedInt", "xsd:int"}:
        return str(int(value))
    return escape(str(value))


def _type_ref(type_name: str) -> str:
    return type_name if type_name.startswith("xsd:") else f"hp:{type_name}"


def encode_rpc(value: Any, type_name: str, tag: str, wire: WireOptions) -> str:
    """One RPC/encoded element: ``xsi:type`` everywhere, SOAP-ENC arrays of ``item``."""
    spec = TYPES[type_name]
    if spec.kind == "array":
        items = list(value or [])
        inner = "".join(encode_rpc(v, spec.item_type, "item", wire) for v in items)
        return (
            f'<{tag} xsi:type="SOAP-ENC:Array" '
            f'SOAP-ENC:arrayType="{_type_ref(spec.item_type)}[{len(items)}]">{inner}</{tag}>'
        )
    if value is None:
        return f'<{tag} xsi:nil="true"/>'
    if spec.kind == "struct":
        inner = "".join(encode_rpc(value.get(f), t, f, wire) for f, t in spec.fields)
        return f'<{tag} xsi:type="{_type_ref(type_name)}">{inner}</{tag}>'
    return f'<{tag} xsi:type="{_type_ref(type_name)}">{_scalar(value, spec.base, wire)}</{tag}>'


def _envelope(inner: str, *, encoded: bool = False) -> bytes:
    extra = (
        f' xmlns:xsd="{XSD}" xmlns:SOAP-ENC="{SOAP_ENC}" soap:encodingStyle="{SOAP_ENC}"'
        if encoded
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:xsi="{XSI}"{extra}>'
        f"<soap:Body>{inner}</soap:Body></soap:Envelope>"
    ).encode()


def response(op: Operation, result: Any, wire: WireOptions, reply: Reply | None = None) -> bytes:
    """The wrapped response ``<OpResponse>`` with the result or the out-parameters."""
    reply = reply or Reply()
    write = encode_rpc if reply.encoded else encode
    if op.outputs:
        inner = "".join(write(result[name], t, name, wire) for name, t in op.outputs)
    elif op.returns is not None:
        inner = write(result, op.returns, reply.result, wire)
    else:
        inner = ""
    wrapper = f"{op.name}Response"
    if reply.qualified and not reply.encoded:
        body = f'<{wrapper} xmlns="{reply.namespace}">{inner}</{wrapper}>'
    else:
        body = f'<hp:{wrapper} xmlns:hp="{reply.namespace}">{inner}</hp:{wrapper}>'
    return _envelope(body, encoded=reply.encoded)


def fault(message: str, *, client: bool = True) -> bytes:
    """A SOAP 1.1 fault with a readable French faultstring."""
    code = "soap:Client" if client else "soap:Server"
    return _envelope(
        f"<soap:Fault><faultcode>{code}</faultcode>"
        f"<faultstring>{escape(message)}</faultstring></soap:Fault>"
    )
