"""Time school generation and validation per size: XL must stay under 60 s."""

from __future__ import annotations

import time

from hpsync.emulators.generator import SIZES, generate_school
from hpsync.emulators.school_file import validate_school


def main() -> None:
    """Print seconds and counts for S, M, L and XL."""
    for size in SIZES:
        started = time.perf_counter()
        data = generate_school(size, 1)
        generated = time.perf_counter() - started
        problems = validate_school(data)
        validated = time.perf_counter() - started - generated
        seances = sum(len(c["seances"]) for c in data["courses"])
        print(
            f"{size:>2}: generate {generated:6.2f} s, validate {validated:6.2f} s — "
            f"{len(data['students'])} students, {len(data['courses'])} courses, "
            f"{seances} seances, {len(problems)} problems"
        )


if __name__ == "__main__":
    main()
