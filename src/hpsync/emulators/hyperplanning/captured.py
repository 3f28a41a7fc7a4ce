"""Serve WSDL documents captured from a real server instead of generated ones.

Why: the generated WSDL is our reading of the evidence; a pilot school's own WSDL is the
truth. Run the emulator over it and the client meets the real names, parameters and
namespace, while the emulator still answers from a snapshot.

Directory layout (the documents as a school saves them from its server, HTTP Basic)::

    DIR/wsdl.xml                          served at <root>/wsdl (the full WSDL; required)
    DIR/IHpSvcW<Interface>.xml            <root>/wsdl/IHpSvcW<Interface> (partial, optional)
    DIR/RpcEncoded.xml                    <root>/wsdl/RpcEncoded (optional)
    DIR/SansTypeSimple/IHpSvcW<I>.xml     <root>/wsdl/SansTypeSimple/IHpSvcW<I> (optional)

The rule is ``<root>/wsdl`` ↔ ``wsdl.xml`` and ``<root>/wsdl/<path>`` ↔ ``<path>.xml``; a
missing file is a 404. Documents are served byte for byte, ``soap:address`` included (a
client must not trust it anyway).

Dispatch: an operation is answered only when these documents declare it (a ``portType``
operation) AND the emulator knows a shape of it, allowed by the profile, with the same
parameter names. The answer uses the document's namespace, its ``elementFormDefault`` and
its result element name, so it matches what the client compiled from the document. Any
other call is a SOAP Fault ("Méthode inconnue"); ``refused`` says why for each operation
declared but not answered. Limits: array item names and types come from the emulator's
spec, not from the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from hpsync.emulators.hyperplanning.soap import Reply
from hpsync.emulators.hyperplanning.spec import Operation, Profile, shapes

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
SOAP_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True, slots=True)
class Declared:
    """One operation as a captured document declares it."""

    name: str
    params: tuple[str, ...]
    results: tuple[str, ...]
    reply: Reply


@dataclass
class CapturedWsdl:
    """The documents of one directory and what they let the emulator answer."""

    directory: Path
    operations: dict[str, Operation] = field(default_factory=dict)
    replies: dict[tuple[str, bool], Reply] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)

    def document(self, rest: str) -> bytes | None:
        """The stored bytes for a GET under the root (``wsdl`` or ``wsdl/<path>``), or None."""
        if rest == "wsdl":
            relative = "wsdl"
        elif rest.startswith("wsdl/"):
            relative = rest.removeprefix("wsdl/")
        else:
            return None
        parts = relative.split("/")
        if any(p in {"", ".", ".."} or p.startswith(".") for p in parts):
            return None
        path = self.directory.joinpath(*parts[:-1], f"{parts[-1]}.xml")
        return path.read_bytes() if path.is_file() else None

    def reply(self, name: str, encoded: bool) -> Reply:
        """How to answer ``name`` in the flavour the request speaks."""
        found = self.replies.get((name, encoded))
        if found is not None:
            return found
        other = self.replies.get((name, not encoded), Reply())
        return Reply(other.namespace, other.qualified, other.result, encoded)


def _local(qname: str | None) -> str:
    return (qname or "").rpartition(":")[2]


class _Documents:
    """Indexes over every WSDL document of the directory."""

    def __init__(self, roots: list[etree._Element]) -> None:
        self.elements: dict[str, tuple[etree._Element, etree._Element]] = {}
        self.complex: dict[str, etree._Element] = {}
        self.messages: dict[str, etree._Element] = {}
        self.rpc: dict[str, str] = {}  # operation → soap:body namespace of an RPC binding
        self.port_ops: list[tuple[etree._Element, etree._Element]] = []
        for root in roots:
            for schema in root.iter(f"{{{XSD_NS}}}schema"):
                for child in schema:
                    if child.tag == f"{{{XSD_NS}}}element" and child.get("name"):
                        self.elements[str(child.get("name"))] = (child, schema)
                    if child.tag == f"{{{XSD_NS}}}complexType" and child.get("name"):
                        self.complex[str(child.get("name"))] = child
            for message in root.iter(f"{{{WSDL_NS}}}message"):
                self.messages[str(message.get("name"))] = message
            for binding in root.iter(f"{{{WSDL_NS}}}binding"):
                styles = [
                    str(b.get("style"))
                    for b in binding.iter(f"{{{SOAP_BINDING_NS}}}binding")
                    if b.get("style")
                ]
                for op in binding.iter(f"{{{WSDL_NS}}}operation"):
                    op_styles = [
                        str(o.get("style"))
                        for o in op.iter(f"{{{SOAP_BINDING_NS}}}operation")
                        if o.get("style")
                    ]
                    if "rpc" in (op_styles or styles):
                        body = next(op.iter(f"{{{SOAP_BINDING_NS}}}body"), None)
                        namespace = body.get("namespace") if body is not None else None
                        self.rpc[str(op.get("name"))] = namespace or str(
                            root.get("targetNamespace") or ""
                        )
            for port_type in root.iter(f"{{{WSDL_NS}}}portType"):
                for op in port_type.iter(f"{{{WSDL_NS}}}operation"):
                    self.port_ops.append((op, root))

    def _children(self, element: etree._Element) -> tuple[str, ...]:
        complex_type = element.find(f"{{{XSD_NS}}}complexType")
        if complex_type is None and element.get("type"):
            complex_type = self.complex.get(_local(element.get("type")))
        if complex_type is None:
            return ()
        children = complex_type.xpath(
            "./xsd:sequence/xsd:element | ./xsd:all/xsd:element", namespaces={"xsd": XSD_NS}
        )
        if not isinstance(children, list):
            return ()
        return tuple(
            str(e.get("name") or _local(e.get("ref")))
            for e in children
            if isinstance(e, etree._Element)
        )

    def _parts(self, message_qname: str | None) -> tuple[tuple[str, ...], Reply | None]:
        """Parameter names of a message, and its answer shape when it is document/literal."""
        message = self.messages.get(_local(message_qname))
        if message is None:
            return (), None
        parts = list(message.iter(f"{{{WSDL_NS}}}part"))
        if len(parts) == 1 and parts[0].get("element"):
            found = self.elements.get(_local(parts[0].get("element")))
            if found is None:
                return (), None
            element, schema = found
            reply = Reply(
                namespace=str(schema.get("targetNamespace") or ""),
                qualified=schema.get("elementFormDefault") == "qualified",
            )
            return self._children(element), reply
        return tuple(str(p.get("name")) for p in parts), None

    def declared(self) -> list[Declared]:
        """Every portType operation with its parameter and result names."""
        out: list[Declared] = []
        for op, root in self.port_ops:
            name = str(op.get("name"))
            inp = next(op.iter(f"{{{WSDL_NS}}}input"), None)
            outp = next(op.iter(f"{{{WSDL_NS}}}output"), None)
            params, literal = self._parts(inp.get("message") if inp is not None else None)
            results, _ = self._parts(outp.get("message") if outp is not None else None)
            result = results[0] if len(results) == 1 else "return"
            if literal is not None and name not in self.rpc:
                reply = Reply(literal.namespace, literal.qualified, result, encoded=False)
            else:
                namespace = self.rpc.get(name) or str(root.get("targetNamespace") or "")
                reply = Reply(namespace, False, result, encoded=True)
            out.append(Declared(name, params, results, reply))
        return out


def load_captured(directory: Path, profile: Profile) -> CapturedWsdl:
    """Read ``directory`` (see the module docstring) and decide what can be answered."""
    main = directory / "wsdl.xml"
    if not main.is_file():
        raise FileNotFoundError(f"no captured WSDL at {main} (expected DIR/wsdl.xml)")
    roots = []
    for path in sorted(directory.rglob("*.xml")):
        try:
            root = etree.parse(str(path), _PARSER).getroot()
        except etree.XMLSyntaxError as exc:
            raise ValueError(f"{path} is not well-formed XML: {exc}") from None
        if root.tag == f"{{{WSDL_NS}}}definitions":
            roots.append(root)
    captured = CapturedWsdl(directory)
    for item in _Documents(roots).declared():
        captured.replies.setdefault((item.name, item.reply.encoded), item.reply)
        if item.name in captured.operations:
            continue
        known = [op for op in shapes(item.name) if profile == "full" or op.public]
        match = next((op for op in known if {n for n, _ in op.params} == set(item.params)), None)
        if match is not None:
            captured.operations[item.name] = match
            captured.refused.pop(item.name, None)
        elif known:
            ours = ", ".join(n for n, _ in known[0].params) or "none"
            theirs = ", ".join(item.params) or "none"
            captured.refused[item.name] = f"parameters ({theirs}) differ from ours ({ours})"
        else:
            captured.refused[item.name] = f"the emulator has no {profile} shape of it"
    return captured
