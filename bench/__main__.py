"""``python -m bench`` (``make bench``): run every benchmark, or those named
(``python -m bench P1 P3 P4``); figures printed and saved in ``bench/results/*.json``.

| name | what | module |
|---|---|---|
| P1 | no-change resync of an L school (write/read calls, wall, CPU) | bench.bench_sync |
| P2 | initial sync of an L school (write calls vs minimum, wall vs rate bound) | bench.bench_sync |
| P3 | plan of one account, L and XL (CPU, peak memory) | bench.bench_plan |
| P4 | attendance write-back of many marks (writes, marks/s, rerun) | bench.bench_attendance |
| P5 | rate-limit compliance during P2 (max calls per 60 s, slowed) | bench.bench_sync |

Environment knobs: ``HPSYNC_BENCH_SCALE`` (rate scale of P1/P2/P5, default 2),
``HPSYNC_BENCH_SIZE`` (school of P1/P2/P5, default L), ``HPSYNC_BENCH_MARKS`` (P4 target,
default 100000). Chaos is separate: ``make chaos`` (``python -m bench.chaos``).
"""

from __future__ import annotations

import importlib
import os
import sys

ORDER = ("P1", "P2", "P3", "P4", "P5")


def main(argv: list[str]) -> int:
    wanted = [a.upper() for a in argv] or list(ORDER)
    unknown = [a for a in wanted if a not in ORDER]
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; choose among {', '.join(ORDER)}")
        return 2
    sync = [p for p in ("P1", "P2", "P5") if p in wanted]
    if sync:
        print(f"== bench.bench_sync {' '.join(sync)}")
        module = importlib.import_module("bench.bench_sync")
        size = os.environ.get("HPSYNC_BENCH_SIZE", "L")
        scale = os.environ.get("HPSYNC_BENCH_SCALE", "2")
        module.main(["--size", size, "--scale", scale, *sync])
    if "P3" in wanted:
        print("== bench.bench_plan P3")
        importlib.import_module("bench.bench_plan").main(["L", "XL"])
    if "P4" in wanted:
        print("== bench.bench_attendance P4")
        marks = os.environ.get("HPSYNC_BENCH_MARKS", "100000")
        importlib.import_module("bench.bench_attendance").main(["--marks", marks])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
