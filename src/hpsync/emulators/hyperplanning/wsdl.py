"""WSDL 1.1 documents generated from the emulator's own spec (spec.py), per profile.

Two flavours, as real servers publish (hyperplanning-api.md §1.2): document/literal
wrapped at ``wsdl`` (full) and ``wsdl/IHpSvcW<Interface>`` (partial), and RPC/encoded at
``wsdl/RpcEncoded`` (SOAP-ENC arrays, what PHP clients load). SOAP 1.1 over HTTP.

Every ``soap:address`` starts with the ``address_base`` the server passes: the request's
own base in the full profile, another host in the public one (a real server behind a proxy
publishes its internal name, evidence-2026-12.md §1c). RPC/encoded ports live under
``…/RpcEncoded/`` (our choice; the real path is unknown), which also tells the server which
flavour a request speaks when the envelope does not say it.
"""

from __future__ import annotations

from functools import lru_cache

from hpsync.emulators.hyperplanning.soap import NAMESPACE, SOAP_ENC
from hpsync.emulators.hyperplanning.spec import Operation, Profile, interfaces, operations
from hpsync.emulators.hyperplanning.spec import service_of as _service_of
from hpsync.emulators.hyperplanning.spec_types import TYPES, TypeDef, reachable

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
    'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    f'xmlns:soapenc="{SOAP_ENC}" '
    f'xmlns:tns="{NAMESPACE}" targetNamespace="{NAMESPACE}" name="HpSvcW">'
)


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


def _simple(spec: TypeDef) -> str:
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
    return ""


def _type(spec: TypeDef, *, encoded: bool) -> str:
    if spec.kind == "array" and encoded:
        return (
            f'<xsd:complexType name="{spec.name}"><xsd:complexContent>'
            '<xsd:restriction base="soapenc:Array">'
            f'<xsd:attribute ref="soapenc:arrayType" wsdl:arrayType="{_ref(spec.item_type)}[]"/>'
            "</xsd:restriction></xsd:complexContent></xsd:complexType>"
        )
    if spec.kind == "array":
        return _complex(spec.name, _element(spec.item_name, spec.item_type, many=True))
    if spec.kind == "struct":
        return _complex(spec.name, "".join(_element(f, t) for f, t in spec.fields))
    return _simple(spec)


def _results(op: Operation) -> tuple[tuple[str, str], ...]:
    return op.outputs or ((("return", op.returns),) if op.returns else ())


def _types(ops: list[Operation]) -> list[TypeDef]:
    roots = [t for op in ops for _, t in (*op.params, *_results(op))]
    return reachable(roots)


def _wrapper(name: str, parts: tuple[tuple[str, str], ...]) -> str:
    inner = "".join(_element(n, t) for n, t in parts)
    return (
        f'<xsd:element name="{name}"><xsd:complexType><xsd:sequence>{inner}'
        "</xsd:sequence></xsd:complexType></xsd:element>"
    )


def _schema(ops: list[Operation], *, encoded: bool) -> str:
    types = "".join(_type(spec, encoded=encoded) for spec in _types(ops))
    if encoded:
        imports = (
            f'<xsd:import namespace="{SOAP_ENC}"/>'
            '<xsd:import namespace="http://schemas.xmlsoap.org/wsdl/"/>'
        )
        return f'<xsd:schema targetNamespace="{NAMESPACE}">{imports}{types}</xsd:schema>'
    elements = []
    for op in ops:
        elements.append(_wrapper(op.name, op.params))
        elements.append(_wrapper(f"{op.name}Response", _results(op)))
    return (
        f'<xsd:schema targetNamespace="{NAMESPACE}" elementFormDefault="qualified">'
        f"{types}{''.join(elements)}</xsd:schema>"
    )


def _messages(ops: list[Operation], *, encoded: bool) -> str:
    out = []
    for op in ops:
        if encoded:
            for suffix, parts in (("Request", op.params), ("Response", _results(op))):
                body = "".join(f'<wsdl:part name="{n}" type="{_ref(t)}"/>' for n, t in parts)
                out.append(f'<wsdl:message name="{op.name}{suffix}">{body}</wsdl:message>')
            continue
        for suffix, element in (("Request", ""), ("Response", "Response")):
            out.append(
                f'<wsdl:message name="{op.name}{suffix}">'
                f'<wsdl:part name="parameters" element="tns:{op.name}{element}"/></wsdl:message>'
            )
    return "".join(out)


def _port_type(interface: str, ops: list[Operation]) -> str:
    body = "".join(
        f'<wsdl:operation name="{op.name}"><wsdl:input message="tns:{op.name}Request"/>'
        f'<wsdl:output message="tns:{op.name}Response"/></wsdl:operation>'
        for op in ops
    )
    return f'<wsdl:portType name="IHpSvcW{interface}">{body}</wsdl:portType>'


def _binding(interface: str, ops: list[Operation], *, encoded: bool) -> str:
    style = "rpc" if encoded else "document"
    use = (
        f'use="encoded" encodingStyle="{SOAP_ENC}" namespace="{NAMESPACE}"'
        if encoded
        else 'use="literal"'
    )
    body = "".join(
        f'<wsdl:operation name="{op.name}">'
        f'<soap:operation soapAction="urn:HpSvcW-IHpSvcW{interface}#{op.name}" style="{style}"/>'
        f"<wsdl:input><soap:body {use}/></wsdl:input>"
        f"<wsdl:output><soap:body {use}/></wsdl:output></wsdl:operation>"
        for op in ops
    )
    return (
        f'<wsdl:binding name="IHpSvcW{interface}Binding" type="tns:IHpSvcW{interface}">'
        f'<soap:binding style="{style}" transport="http://schemas.xmlsoap.org/soap/http"/>'
        f"{body}</wsdl:binding>"
    )


@lru_cache(maxsize=64)
def _static(profile: Profile, names: tuple[str, ...], encoded: bool) -> str:
    ops = [op for op in operations(profile) if op.interface in names]
    parts = [f"<wsdl:types>{_schema(ops, encoded=encoded)}</wsdl:types>"]
    parts.append(_messages(ops, encoded=encoded))
    for interface in names:
        mine = [op for op in ops if op.interface == interface]
        parts.append(_port_type(interface, mine))
        parts.append(_binding(interface, mine, encoded=encoded))
    return "".join(parts)


def _services(names: tuple[str, ...], address_base: str) -> str:
    services: dict[str, list[str]] = {}
    for name in names:
        services.setdefault(_service_of(name), []).append(
            f'<wsdl:port name="Port{name}" binding="tns:IHpSvcW{name}Binding">'
            f'<soap:address location="{address_base}/IHpSvcW{name}"/></wsdl:port>'
        )
    return "".join(
        f'<wsdl:service name="{name}">{"".join(ports)}</wsdl:service>'
        for name, ports in services.items()
    )


def wsdl(address_base: str, profile: Profile = "full", interface: str | None = None) -> str:
    """The full document/literal WSDL (interface None) or one interface's partial WSDL."""
    names = interfaces(profile) if interface is None else (interface,)
    return f"{_HEAD}{_static(profile, names, False)}{_services(names, address_base)}" + (
        "</wsdl:definitions>"
    )


def rpc_wsdl(address_base: str, profile: Profile = "full") -> str:
    """The full RPC/encoded WSDL: same operations, SOAP-ENC arrays, ports under RpcEncoded/."""
    names = interfaces(profile)
    services = _services(names, f"{address_base}/RpcEncoded")
    return f"{_HEAD}{_static(profile, names, True)}{services}</wsdl:definitions>"
