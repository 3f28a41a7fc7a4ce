"""P4: attendance write-back of many marks (Edusign → Hyperplanning).

Run: ``python -m bench.bench_attendance [--marks 100000] [--size M] [--scale 20]``.

1. A school is generated and synced down (``hpsync sync``, not measured) into two
   Edusign accounts split by Site.
2. Marks are produced in bulk: the Edusign emulator has no bulk sign control, and one
   HTTP control call per mark would take longer than the write-back itself, so the
   benchmark edits the emulator's storage directly (``RunningEdusign.state.store.tx``,
   the same transaction API its routes use): on the earliest past sessions, until the
   target number of marks is reached, 90 % of records are signed and 10 % are not
   present (7 % absent, 2 % late, 1 % left early); each sheet is locked (final).
3. ``hpsync attendance`` runs as a subprocess: the real Edusign client reads the sheets
   back, the real Hyperplanning client writes. Measured: Hyperplanning writes (from its
   emulator's stats: AjouterAbsenceEtudiant, CreerRetardEtudiant, and any removal or
   reason change) versus non-present marks (goal equal), throughput in marks/s, and the
   writes of a rerun (goal 0). A non-present mark whose identical absence or delay the
   generated school already holds in Hyperplanning is adopted, not written
   (check-then-write): writes + ``already_in_sync`` = non-present marks.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.world import RESULTS, run_cli, world

TIMEOUT = 3600
HP_WRITE_PREFIXES = ("Ajouter", "Creer", "Enlever", "Supprimer", "Modifier")


def hp_writes(stats: dict[str, int]) -> dict[str, int]:
    return {op: n for op, n in stats.items() if op.startswith(HP_WRITE_PREFIXES) and n}


def roll(seed: int, course_ref: str, student_ref: str) -> float:
    """The same draw for the same (session, learner) in every world, whatever the ids."""
    return random.Random(f"{seed}:{course_ref}:{student_ref}").random()


def produce_marks(es: Any, schools: list[str], target: int, seed: int = 7) -> Counter[str]:
    """Sign, mark late / left early / absent and lock the earliest past sheets in storage.

    Sheets are taken in (start, external id) order and each record's status is drawn
    from its (session, learner) external ids, so two worlds synced from the same school
    get exactly the same marks (the chaos run compares them)."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    store = es.state.store
    marks: Counter[str] = Counter()
    per_school = target // len(schools)
    for name in schools:
        school_id = store.school_id_by_name(name)
        done = 0
        with store.tx(school_id) as tx:
            api = {s["ID"]: str(s.get("API_ID") or s["ID"]) for s in tx.where("student")}
            courses = tx.where("course", "end_ < ? AND api_id != ''", (now,))
            courses.sort(key=lambda c: (c["START"], str(c["API_ID"])))
            for course in courses:
                if done >= per_school:
                    break
                start = datetime.fromisoformat(course["START"].replace("Z", "+00:00"))
                end = datetime.fromisoformat(course["END"].replace("Z", "+00:00"))
                for record in course["STUDENTS"]:
                    draw = roll(seed, str(course["API_ID"]), api.get(record["studentId"], ""))
                    done += 1
                    if draw < 0.07:
                        record.update(state=False, signature=None, timestamp=None)
                        marks["absent"] += 1
                        continue
                    record.update(
                        state=True,
                        signature="data:image/png;base64,c2lnbmVk",
                        timestamp=course["START"],
                    )
                    if draw < 0.09:
                        record["delay"] = 5 + int(draw * 1000) % 30
                        marks["late"] += 1
                    elif draw < 0.10:
                        left = start + (end - start) * 0.6
                        record["earlyDeparture"] = left.strftime("%Y-%m-%dT%H:%M:%S.000Z")
                        marks["early_departure"] += 1
                    else:
                        marks["present"] += 1
                course["LOCKED"] = 1
                course["DATE_UPDATED"] = now
                tx.update("course", course)
                marks["sheets"] += 1
    return marks


def _attendance(config: Path) -> tuple[list[dict[str, Any]], float, float]:
    done, wall, cpu = run_cli(["attendance", "-c", str(config), "--json"], timeout=TIMEOUT)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"hpsync attendance exited {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout), wall, cpu


def measure(size: str, scale: float, target: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="hpsync-bench-p4-"))
    try:
        with world(tmp, size, rate_scale=scale) as w:
            done, setup_wall, _ = run_cli(["sync", "-c", str(w.config)], timeout=TIMEOUT)
            if done.returncode != 0:
                raise RuntimeError(f"sync down failed: {done.stderr[-2000:]}")
            t0 = datetime.now(UTC)
            marks = produce_marks(w.es, ["nord", "sud"], target)
            produce_s = (datetime.now(UTC) - t0).total_seconds()
            total = sum(marks[k] for k in ("present", "late", "early_departure", "absent"))
            not_present = marks["absent"] + marks["late"] + marks["early_departure"]
            w.hp.reset_stats()
            w.es_reset()
            runs, wall, cpu = _attendance(w.config)
            first = hp_writes(w.hp_stats())
            soap = sum(w.hp_stats().values())
            counts = [r["counts"] for r in runs]
            w.hp.reset_stats()
            rerun, rerun_wall, _ = _attendance(w.config)
            second = hp_writes(w.hp_stats())
            return {
                "size": size,
                "scale": scale,
                "target_marks": target,
                "marks": total,
                "sheets": marks["sheets"],
                "not_present": not_present,
                "by_status": {
                    k: marks[k] for k in ("present", "absent", "late", "early_departure")
                },
                "marks_read": sum(c.get("marks_read", 0) for c in counts),
                "hp_writes": sum(first.values()),
                "hp_writes_by_op": first,
                "hp_soap_calls": soap,
                "failed": sum(c.get("failed", 0) for c in counts),
                "run_counts": dict(sum((Counter(c) for c in counts), Counter())),
                "notes": [n for r in runs for n in r.get("notes", [])][:10],
                "wall_s": round(wall, 1),
                "cpu_s": round(cpu, 1),
                "marks_per_s": round(total / wall, 1),
                "rerun_hp_writes": sum(second.values()),
                "rerun_wall_s": round(rerun_wall, 1),
                "rerun_outcomes": [r["outcome"] for r in rerun],
                "setup_sync_down_s": round(setup_wall, 1),
                "produce_marks_s": round(produce_s, 1),
            }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(r: dict[str, Any]) -> None:
    print(
        f"P4 attendance write-back, {r['size']} school, rate scale ×{r['scale']:g}: "
        f"{r['marks']} marks on {r['sheets']} locked sheets (target {r['target_marks']}), "
        f"{r['not_present']} not present {r['by_status']}"
    )
    print(
        f"   Hyperplanning writes {r['hp_writes']} {r['hp_writes_by_op']} vs non-present marks "
        f"{r['not_present']} (goal equal; {r['run_counts'].get('already_in_sync', 0)} found "
        f"already in Hyperplanning and adopted); {r['marks_read']} marks read, "
        f"{r['failed']} failed; "
        f"wall {r['wall_s']} s at rate scale ×{r['scale']:g} → {r['marks_per_s']} marks/s, "
        f"CPU {r['cpu_s']} s; rerun: {r['rerun_hp_writes']} writes (goal 0) in "
        f"{r['rerun_wall_s']} s"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_attendance")
    parser.add_argument("--marks", type=int, default=100_000)
    parser.add_argument("--size", default="M")
    parser.add_argument("--scale", type=float, default=20.0)
    args = parser.parse_args(argv)
    row = measure(args.size, args.scale, args.marks)
    report(row)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "p4_attendance.json").write_text(json.dumps(row, indent=2) + "\n")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
