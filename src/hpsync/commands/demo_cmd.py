"""``hpsync demo``: the whole product in a few minutes, with nothing running beforehand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the CLI."""

    @app.command("demo")
    def demo(
        size: Annotated[str, typer.Option(help="School size: S, M, L or XL.")] = "M",
        seed: Annotated[int, typer.Option(help="Generator seed.")] = 7,
        out: Annotated[Path, typer.Option(help="Folder for the config, state and report.")] = Path(
            "demo-output"
        ),
        rate_scale: Annotated[
            float, typer.Option(help="Multiply Edusign's rate limits (emulator and client).")
        ] = 20.0,
        quiet: Annotated[bool, typer.Option(help="No progress bars.")] = False,
        profile: Annotated[
            str,
            typer.Option(
                help="Emulators' surface: 'full' (every operation hpsync can use) or "
                "'public' (only what public evidence shows real services offer)."
            ),
        ] = "full",
        language: Annotated[
            str, typer.Option(help="Language of the HTML report: 'fr' or 'en'.")
        ] = "fr",
    ) -> None:
        """Emulators + a generated school + a full two-way sync, then a report (text + HTML)."""
        from hpsync.demo.scenario import DemoSettings, run_demo

        if profile not in ("full", "public"):
            raise typer.BadParameter("--profile is 'full' or 'public'")
        if language not in ("fr", "en"):
            raise typer.BadParameter("--language is 'fr' or 'en'")
        settings = DemoSettings(
            size=size.upper(),
            seed=seed,
            rate_scale=rate_scale,
            out_dir=out,
            progress=not quiet,
            profile=profile,
            language=language,
        )
        report = run_demo(settings, echo=lambda line: typer.echo(line, err=True))
        typer.echo(report.text())
