"""``python -m bench`` (``make bench``): run every benchmark; figures printed and saved in
``bench/results/*.json``."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("bench.bench_plan",)


def main() -> None:
    for name in BENCHMARKS:
        module = importlib.import_module(name)
        print(f"== {name}")
        module.main(sys.argv[1:] or ["L", "XL"])


if __name__ == "__main__":
    main()
