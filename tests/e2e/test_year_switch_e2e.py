"""The yearly change on two generated bases: no duplicate person, leavers archived, joiners
created, last year's sheets untouched, last year's pending attendance still written back."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

from hpsync.bootstrap import open_context, previous_clients
from hpsync.config import load_config
from hpsync.emulators.generator import next_year
from hpsync.emulators.hyperplanning import start_emulator as start_hyperplanning
from hpsync.sync.runs import run_down, run_up

from .harness import ACCOUNTS, world


def test_switch_to_next_years_base(tmp_path: Path) -> None:
    """After `year switch` and a sync, people continue on Edusign without duplicates."""
    with world(tmp_path) as w:
        first = date.fromisoformat(w.school["base"]["first_day"])
        early = datetime.combine(first + timedelta(days=14), datetime.min.time(), tzinfo=UTC)
        with open_context(load_config(w.config)) as ctx:
            old = ctx.hyperplanning.read_snapshot()
            for name in ACCOUNTS:
                run_down(ctx.store, old, ctx.account(name), now=early)
        # Last year: an absence is recorded on a locked sheet but not written back yet.
        client = w.client("nord")
        course = next(
            c for c in client.list_courses(first, first + timedelta(days=60)) if c.students
        )
        client.lock_course(course.id)
        client.close()
        old_sheets = {n: w.edusign_state(n)["courses"] for n in ACCOUNTS}

        new = next_year(w.school, 5)
        password = os.environ["HPSYNC_E2E_HP"]
        with start_hyperplanning(new, user="ws", password=password, root="/hpsw/2027-2028") as hp2:
            switch = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "hpsync",
                    "year",
                    "switch",
                    "-c",
                    str(w.config),
                    "--to",
                    hp2.url,
                    "--base-id",
                    new["base"]["id"],
                ],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert switch.returncode == 0, switch.stderr
            assert "matched" in switch.stdout
            text = w.config.read_text()
            old_url = w.hp_url
            text = text.replace(f'url = "{old_url}"', f'url = "{hp2.url}"', 1)
            text = text.replace(
                f'base_id = "{w.school["base"]["id"]}"', f'base_id = "{new["base"]["id"]}"', 1
            )
            text = text.replace(
                "\n[[accounts]]",
                f'\n[[hyperplanning.previous]]\nurl = "{old_url}"\nuser = "ws"\n'
                f'password = "env:HPSYNC_E2E_HP"\nbase_id = "{w.school["base"]["id"]}"\n'
                "\n[[accounts]]",
                1,
            )
            w.config.write_text(text)
            cfg = load_config(w.config)
            new_first = date.fromisoformat(new["base"]["first_day"])
            later = datetime.combine(
                new_first + timedelta(days=14), datetime.min.time(), tzinfo=UTC
            )
            with open_context(cfg) as ctx:
                snapshot = ctx.hyperplanning.read_snapshot()
                for name in ACCOUNTS:
                    out = run_down(ctx.store, snapshot, ctx.account(name), now=later)
                    failures = [(i.sid, m) for i, m in (out.result.failures if out.result else [])]
                    assert out.outcome == "ok", (out.counts, failures[:5], switch.stdout)
                for previous in previous_clients(cfg):
                    with previous:
                        old_snapshot = previous.read_snapshot()
                        run_up(ctx.store, old_snapshot, ctx.account("nord"), previous, now=later)
            for name in ACCOUNTS:
                state = w.edusign_state(name)
                live = [row for row in state["students"] if row[2] == "False"]
                emails = Counter(row[1] for row in live)
                assert not [e for e, n in emails.items() if n > 1], name
                assert all(row[0].startswith(f"hp:{new['base']['id']}:") for row in live), name
                profs = Counter(row[1] for row in state["professors"] if row[2] == "False")
                assert not [e for e, n in profs.items() if n > 1], name
                sheet = lambda row: row[:4]  # noqa: E731  (external id, name, start, end)
                assert {sheet(r) for r in old_sheets[name]} <= {sheet(r) for r in state["courses"]}
            joiners = {s["email"] for s in new["students"]} - {
                s["email"] for s in w.school["students"]
            }
            nord = w.edusign_state("nord")
            live_emails = {row[1] for row in nord["students"] if row[2] == "False"}
            leavers = {s["email"] for s in w.school["students"]} - {
                s["email"] for s in new["students"]
            }
            archived = {row[1] for row in nord["students"] if row[2] == "True"}
            assert joiners & live_emails, "some joiners are created"
            assert leavers & archived and not (leavers & live_emails), "leavers are archived"
        data = httpx.get(f"{old_url}/_emulator/data", auth=("ws", password), timeout=30).json()
        assert data.get("absences"), "last year's pending absences were written to last year's base"
