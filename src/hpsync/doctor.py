"""What the services found can do, and a capture of their surface for the project.

``hpsync doctor`` prints, before going live, a capability matrix for both services: what
exists, what is off and why. ``--capture DIR`` writes what a pilot school can send us so
that its real surface becomes a test fixture: the WSDL as served (the emulator serves it
with ``hpsync emulate hyperplanning --wsdl DIR/hyperplanning``), the version, the
operations with their parameters, and a small sample of answers with personal data
replaced. No credential is ever written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hpsync.edusign import EdusignClient
from hpsync.errors import TargetError
from hpsync.hyperplanning import HyperplanningClient
from hpsync.hyperplanning.capabilities import Resolved
from hpsync.rules.capabilities import blocking
from hpsync.rules.policy import AccountRules
from hpsync.secrets import redact

SAMPLE = 3  # records per kind in a capture


def hyperplanning_lines(
    resolved: Sequence[Resolved], rules: Sequence[AccountRules] = ()
) -> list[str]:
    """The Hyperplanning capability matrix, then the accounts it stops, if any."""
    lines = [f"  {r.line()}" for r in resolved]
    off = {r.capability.key for r in resolved if not r.on}
    for account in rules:
        for key in blocking(account, off):
            lines.append(f"  ✗ account {account.account}: its rules need {key}, which is off")
    return lines


def edusign_lines(client: EdusignClient, *, tutors: bool) -> list[str]:
    """What one Edusign account offers, probed with reads only."""
    lines: list[str] = []
    probes: list[tuple[str, str, str]] = [
        ("people", "GET", "/v1/student"),
        ("courses", "GET", "/v1/course"),
        ("groups", "GET", "/v1/group"),
        ("absence reasons", "GET", "/v1/justified-absence/absence-reason"),
    ]
    if tutors:
        probes.append(("tutors (provisional /v1/externals)", "GET", "/v1/externals"))
    for label, method, path in probes:
        try:
            params: dict[str, object] = {"page": 0}
            if path == "/v1/course":
                params = {"page": 0, "start": "2000-01-01", "end": "2000-01-02"}
            client._call(method, path, params=params)
            lines.append(f"  {'on':<4} {label}")
        except TargetError as exc:
            if "404" not in exc.message:
                raise
            lines.append(f"  {'OFF':<4} {label}: no such route on this account (HTTP 404)")
    return lines


def _anonymous(value: Any, kind: str, n: int) -> Any:
    """A stand-in of the same type: the shape matters, not the person."""
    if isinstance(value, str) and value:
        return f"{kind}{n}@example.invalid" if "@" in value else f"{kind.upper()}{n}"
    return value


def capture(client: HyperplanningClient, folder: Path) -> list[Path]:
    """Write the Hyperplanning surface under ``folder`` (see the module docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        path = folder / name
        path.write_text(redact(text), encoding="utf-8")
        written.append(path)

    put("wsdl.xml", client.raw(f"{client.url}/wsdl"))
    surface = client.surface
    put(
        "operations.json",
        json.dumps(
            {
                name: {"service": p.service, "port": p.port, "params": list(p.params)}
                for name, p in sorted(surface.ports.items())
            },
            indent=2,
        ),
    )
    info = client.base_info()
    put("version.txt", f"{info.version}\nfirst day {info.first_day.isoformat()}\n")
    put("capabilities.txt", "\n".join(r.line() for r in client.capabilities()) + "\n")
    put("sample.json", json.dumps(_sample(client), indent=2, default=str, ensure_ascii=False))
    return written


def _sample(client: HyperplanningClient) -> dict[str, Any]:
    """A few answers of each kind, personal data replaced (shapes and types kept)."""
    out: dict[str, Any] = {}
    for kind, listing, getters in (
        ("learner", "TousLesEtudiants", ("NomEtudiant", "PrenomEtudiant", "EMailEtudiant")),
        ("trainer", "TousLesEnseignants", ("NomEnseignant", "PrenomEnseignant", "EMailEnseignant")),
    ):
        if not client.has(listing):
            continue
        keys = list(client.call(listing) or [])[:SAMPLE]
        param = "AEtudiant" if kind == "learner" else "AEnseignant"
        out[kind] = [
            {
                op: _anonymous(client.call(op, **{param: key}), kind, n)
                for op in getters
                if client.has(op)
            }
            for n, key in enumerate(keys, start=1)
        ]
    if client.has("TousLesCours") and client.has("DetailDesSeancesPlaceesDuCours"):
        courses = list(client.call("TousLesCours") or [])[:SAMPLE]
        out["seances"] = [
            client.call("DetailDesSeancesPlaceesDuCours", ACours=key)[:SAMPLE] for key in courses
        ]
    if client.has("TousLesMotifs"):
        out["motifs"] = client.call("TousLesMotifs")
    return out
