"""``python -m bench.peak OUT hpsync-args…``: run the ``hpsync`` command in this process and,
as it exits (whatever its exit code), write its peak resident memory (``VmHWM``, MiB) to
OUT. The figure is the real sync process's own: no parent's peak carried across ``exec``,
no sampling that could miss the last spike."""

from __future__ import annotations

import atexit
import runpy
import sys
from pathlib import Path


def vm_hwm_mib() -> float:
    """This process's peak resident memory so far, in MiB (0 when /proc has no figure)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main() -> None:
    out = Path(sys.argv[1])
    atexit.register(lambda: out.write_text(f"{vm_hwm_mib()}\n"))
    sys.argv = ["hpsync", *sys.argv[2:]]
    runpy.run_module("hpsync", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
