"""``hpsync generate-school``: write a realistic school snapshot, or its following year."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hpsync.errors import UsageError


def generate_school_cmd(
    *,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the JSON.")],
    size: Annotated[str, typer.Option("--size", help="S, M, L or XL.")] = "S",
    year: Annotated[
        int, typer.Option("--year", help="Academic year starting in September of this year.")
    ] = 2026,
    next_year_of: Annotated[
        Path | None,
        typer.Option("--next-year-of", help="Write the following year of this school instead."),
    ] = None,
) -> None:
    """Generate a school snapshot (hpsync-school/1) for the emulator, tests and benchmarks."""
    from hpsync.emulators.generator import SIZES, generate_school, next_year
    from hpsync.emulators.school_file import load_school

    if next_year_of is not None:
        data = next_year(load_school(next_year_of), seed)
    else:
        if size.upper() not in SIZES:
            raise UsageError(
                f"unknown size {size!r}", hint=f"use one of {', '.join(SIZES)}", record="--size"
            )
        data = generate_school(size.upper(), seed, year=year)
    try:
        output.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    seances = sum(len(c["seances"]) for c in data["courses"])
    typer.echo(
        f"wrote {output}: base {data['base']['id']}, {len(data['students'])} students, "
        f"{len(data['courses'])} courses, {seances} seances"
    )


def register(app: typer.Typer) -> None:
    """Add the ``generate-school`` command."""
    app.command("generate-school")(generate_school_cmd)
