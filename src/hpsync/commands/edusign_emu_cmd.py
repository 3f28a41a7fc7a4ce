"""``hpsync emulate edusign``: serve the Edusign API emulator on loopback until Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hpsync.errors import UsageError


def emulate_edusign(
    *,
    port: Annotated[int, typer.Option("--port", help="TCP port (0 = any free port).")] = 8124,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    db: Annotated[
        Path | None, typer.Option("--db", help="SQLite file (kept across restarts).")
    ] = None,
    school: Annotated[
        list[str] | None, typer.Option("--school", help="School name (repeat, with --api-key).")
    ] = None,
    api_key: Annotated[
        list[str] | None, typer.Option("--api-key", help="API key of the matching --school.")
    ] = None,
    test_controls: Annotated[
        bool, typer.Option("--test-controls", help="Enable /_emulator/ test controls.")
    ] = False,
    rate_scale: Annotated[
        float, typer.Option("--rate-scale", help="Multiply the 480 / 24 per minute limits.")
    ] = 1.0,
    rate_mode: Annotated[
        str, typer.Option("--rate-mode", help="'slow' (delay, like Edusign) or '429'.")
    ] = "slow",
    strict_api_id: Annotated[
        bool, typer.Option("--strict-api-id", help="Refuse a second live record per API_ID.")
    ] = False,
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            help="'full' (every route, hpsync's guesses too) or 'public' (only what public "
            "evidence supports, in its public shape).",
        ),
    ] = "full",
) -> None:
    """Serve Edusign v1 (/v1) and v3 (/v3) for one or more schools."""
    import uvicorn

    from hpsync.emulators.edusign import Settings, build_state
    from hpsync.emulators.edusign.app import create_app

    pairs = list(zip(school or [], api_key or [], strict=False))
    if not pairs or len(school or []) != len(api_key or []):
        raise UsageError(
            "give each --school with its --api-key",
            hint="hpsync emulate edusign --school Demo --api-key some-long-key",
        )
    if rate_mode not in ("slow", "429"):
        raise UsageError("--rate-mode must be 'slow' or '429'")
    if profile not in ("full", "public"):
        raise UsageError("--profile must be 'full' or 'public'")
    settings = Settings(
        test_controls=test_controls,
        rate_scale=rate_scale,
        rate_mode=rate_mode,
        strict_api_id=strict_api_id,
        profile=profile,
    )
    state = build_state(pairs, db_path=db, settings=settings)
    typer.echo(
        f"Edusign emulator: http://{host}:{port}/v1 (profile: {profile}, data: {state.store.path})"
    )
    uvicorn.run(
        create_app(state),
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        date_header=False,  # the app sends its own clock's Date
    )


def register(app: typer.Typer) -> None:
    """Add ``edusign`` to the shared ``emulate`` group."""
    from hpsync.commands.hp_cmd import emulate_app

    emulate_app.command("edusign")(emulate_edusign)
    del app  # the group is already attached by hp_cmd
