"""WSDL 1.1 documents generated from the operations table (full and per interface).

Document/literal wrapped, SOAP 1.1 over HTTP. Every ``soap:address`` is built from the
base URL the client used, so nothing has to be patched behind a proxy.
"""

from __future__ import annotations

from functools import lru_cache

from hpsync.emulators.hyperplanning.soap import NAMESPACE
from hpsync.hyperplanning.methods import INTERFACES, OPERATIONS, Operation, service_of
from hpsync.hyperplanning.soap_types import TYPES, TypeDef


def _ref(type_name: str) -> str:
    return type_name if type_name.startswith("xsd:") else f"tns:{type_name}"


def _element(name: str, type_name: str, *, many: bool = False) -> str:
    spec = TYPES[type_name]
    attrs = ' minOccurs="0" maxOccurs="unbounded"' if many else ""
    if spec.kind not in {"array", "struct"}:
        attrs += ' nillable="true"'  # HP answers null for missing texts and dates
    return f'<xsd:element name="{name}" type="{_ref(type_name)}"{attrs}/>'


def _complex(name: str, inner: str) -> str:
    return f'<xsd:complexType name="{name}"><xsd:sequence>{inner}</xsd:sequence></xsd:complexType>'


def _type(spec: TypeDef) -> str:
    if spec.kind == "key" or (spec.kind == "simple" and not spec.name.startswith("xsd:")):
        return (
            f'<xsd:simpleType name="{spec.name}">'
            f'<xsd:restriction base="{spec.base}"/></xsd:simpleType>'
        )
    if spec.kind == "enum":
        values = "".join(f'<xsd:enumeration value="{v}"/>' for v in spec.values)
        return (
            f'<xsd:simpleType name="{spec.name}">'
            f'<xsd:restriction base="xsd:string">{values}</xsd:restriction></xsd:simpleType>'
        )
    if spec.kind == "array":
        item = _element(spec.item_name, spec.item_type, many=True)
        return _complex(spec.name, item)
    if spec.kind == "struct":
        fields = "".join(_element(f, t) for f, t in spec.fields)
        return _complex(spec.name, fields)
    return ""


def _wrapper(name: str, parts: tuple[tuple[str, str], ...]) -> str:
    inner = "".join(_element(n, t) for n, t in parts)
    return (
        f'<xsd:element name="{name}"><xsd:complexType><xsd:sequence>{inner}'
        "</xsd:sequence></xsd:complexType></xsd:element>"
    )


def _schema(ops: list[Operation]) -> str:
    types = "".join(_type(spec) for spec in TYPES.values())
    elements = []
    for op in ops:
        elements.append(_wrapper(op.name, op.params))
        out = op.outputs or ((("return", op.returns),) if op.returns else ())
        elements.append(_wrapper(f"{op.name}Response", out))
    return (
        f'<xsd:schema targetNamespace="{NAMESPACE}" elementFormDefault="qualified">'
        f"{types}{''.join(elements)}</xsd:schema>"
    )


def _messages(ops: list[Operation]) -> str:
    return "".join(
        f'<wsdl:message name="{op.name}{suffix}">'
        f'<wsdl:part name="parameters" element="tns:{op.name}{element}"/></wsdl:message>'
        for op in ops
        for suffix, element in (("Request", ""), ("Response", "Response"))
    )


def _port_type(interface: str, ops: list[Operation]) -> str:
    body = "".join(
        f'<wsdl:operation name="{op.name}"><wsdl:input message="tns:{op.name}Request"/>'
        f'<wsdl:output message="tns:{op.name}Response"/></wsdl:operation>'
        for op in ops
    )
    return f'<wsdl:portType name="IHpSvcW{interface}">{body}</wsdl:portType>'


def _binding(interface: str, ops: list[Operation]) -> str:
    body = "".join(
        f'<wsdl:operation name="{op.name}">'
        f'<soap:operation soapAction="urn:HpSvcW-IHpSvcW{interface}#{op.name}" style="document"/>'
        '<wsdl:input><soap:body use="literal"/></wsdl:input>'
        '<wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>'
        for op in ops
    )
    return (
        f'<wsdl:binding name="IHpSvcW{interface}Binding" type="tns:IHpSvcW{interface}">'
        '<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>'
        f"{body}</wsdl:binding>"
    )


@lru_cache(maxsize=64)
def _static(interfaces: tuple[str, ...]) -> str:
    ops = [op for op in OPERATIONS if op.interface in interfaces]
    parts = [f"<wsdl:types>{_schema(ops)}</wsdl:types>", _messages(ops)]
    for interface in interfaces:
        mine = [op for op in ops if op.interface == interface]
        parts.append(_port_type(interface, mine))
        parts.append(_binding(interface, mine))
    return "".join(parts)


def wsdl(base_url: str, interface: str | None = None) -> str:
    """The full WSDL (interface None) or the partial WSDL of one interface."""
    interfaces = INTERFACES if interface is None else (interface,)
    services: dict[str, list[str]] = {}
    for name in interfaces:
        services.setdefault(service_of(name), []).append(
            f'<wsdl:port name="Port{name}" binding="tns:IHpSvcW{name}Binding">'
            f'<soap:address location="{base_url}/IHpSvcW{name}"/></wsdl:port>'
        )
    service_xml = "".join(
        f'<wsdl:service name="{name}">{"".join(ports)}</wsdl:service>'
        for name, ports in services.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:tns="{NAMESPACE}" targetNamespace="{NAMESPACE}" name="HpSvcW">'
        f"{_static(interfaces)}{service_xml}</wsdl:definitions>"
    )
