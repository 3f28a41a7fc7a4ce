"""``hpsync emulate hyperplanning`` and ``hpsync snapshot`` (read a base into a file).

``emulate_app`` is the shared ``emulate`` group: other emulators add their command to it
(``from hpsync.commands.hp_cmd import emulate_app``).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from hpsync.errors import UsageError


class EmulatorProfile(StrEnum):
    """What the Hyperplanning emulator serves (see emulators/hyperplanning/spec.py)."""

    full = "full"
    public = "public"


emulate_app = typer.Typer(help="Run a service emulator on loopback.", no_args_is_help=True)


def load_snapshot_file(path: Path) -> dict[str, Any]:
    """A school snapshot from disk, validated by the shared loader when it exists."""
    try:
        from hpsync.emulators.school_file import (  # type: ignore[import-not-found,unused-ignore]
            load_school,
        )
    except ImportError:
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read snapshot {path}: {exc}") from None
        return data
    loaded: dict[str, Any] = load_school(path)
    return loaded


@emulate_app.command("hyperplanning")
def emulate_hyperplanning(
    *,
    data: Annotated[Path, typer.Option("--data", help="School snapshot JSON to serve.")],
    user: Annotated[str, typer.Option("--user", help="HTTP Basic login to accept.")],
    password: Annotated[str, typer.Option("--password", help="HTTP Basic password.")],
    port: Annotated[int, typer.Option("--port", help="TCP port (0 = any free port).")] = 8123,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    root: Annotated[str, typer.Option("--root", help="URL root, e.g. /hpsw/2025-2026.")] = "/hpsw",
    no_z: Annotated[
        bool, typer.Option("--no-z", help="Send date-times without the 'Z' quirk.")
    ] = False,
    latency: Annotated[float, typer.Option("--latency", help="Seconds added per call.")] = 0.0,
    profile: Annotated[
        EmulatorProfile,
        typer.Option(
            "--profile",
            help="full: everything the emulator answers; public: only what public "
            "evidence supports (C/P), soap:address naming another host.",
        ),
    ] = EmulatorProfile.full,
    wsdl_dir: Annotated[
        Path | None,
        typer.Option(
            "--wsdl",
            help="Serve the WSDL documents captured in DIR (DIR/wsdl.xml, optional "
            "DIR/IHpSvcW<Interface>.xml) and answer only the operations they declare.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Serve a school snapshot as a HYPERPLANNING Service Web (SOAP) until Ctrl-C."""
    import uvicorn

    from hpsync.emulators.hyperplanning import build_state, create_app

    try:
        state = build_state(
            load_snapshot_file(data),
            user=user,
            password=password,
            root=root,
            z_suffix=not no_z,
            latency=latency,
            profile=profile.value,
            wsdl_dir=wsdl_dir,
        )
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot serve the captured WSDL: {exc}") from None
    typer.echo(f"Hyperplanning emulator: http://{host}:{port}/{root.strip('/')}/wsdl")
    uvicorn.run(create_app(state), host=host, port=port, log_level="warning", lifespan="off")


def snapshot(
    *,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the JSON.")],
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Read the base configured in FILE.")
    ] = None,
    hp_url: Annotated[
        str | None, typer.Option("--hp-url", help="Service Web base incl. root.")
    ] = None,
    hp_user: Annotated[str | None, typer.Option("--hp-user", help="Service Web login.")] = None,
    hp_password_env: Annotated[
        str | None,
        typer.Option("--hp-password-env", help="Environment variable holding the password."),
    ] = None,
    timezone: Annotated[str, typer.Option("--timezone", help="The base's time zone.")] = (
        "Europe/Paris"
    ),
    base_id: Annotated[
        str | None, typer.Option("--base-id", help="Base id (default: slug of the URL root).")
    ] = None,
) -> None:
    """Read a whole Hyperplanning base and write it in the school snapshot format.

    With ``--config`` the base, credentials and time zone come from the configuration, so a
    school can rehearse a configuration on a sandbox copy of its own real data.
    """
    from hpsync.errors import UsageError
    from hpsync.hyperplanning import HyperplanningClient
    from hpsync.secrets import resolve

    if config is not None:
        from hpsync.bootstrap import hyperplanning_client
        from hpsync.config import load_config

        client = hyperplanning_client(load_config(config))
    elif hp_url and hp_user and hp_password_env:
        password = resolve(f"env:{hp_password_env}", where="--hp-password-env")
        client = HyperplanningClient(hp_url, hp_user, password, timezone=timezone, base_id=base_id)
    else:
        raise UsageError(
            "give --config FILE, or --hp-url, --hp-user and --hp-password-env",
            hint="hpsync snapshot --config hpsync.toml -o school.json",
        )
    with client:
        data = client.read_school()
    output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"wrote {output}: {len(data['students'])} students, {len(data['courses'])} courses")


def register(app: typer.Typer) -> None:
    """Add the ``emulate`` group and the ``snapshot`` command."""
    app.add_typer(emulate_app, name="emulate")
    app.command("snapshot")(snapshot)
