"""Real Celery workers with the real runners (``celery -A hpsync.worker.app``), on real
Redis, against both emulators: two schools synced down then up, school A's last year's
base written back too, and a guard trip in school B e-mailed over SMTP (docs/worker.md).

What is checked is worked out from the documented behaviour: every account's sheets exist
on Edusign once; each up run reports the previous bases its configuration names (A: last
year's, B: none); a school whose learners all lose their site rubric is refused (the
learner guard) and its school address gets one e-mail naming the account; the other school
is not mailed (no ``[smtp]``)."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from alerts.conftest import SmtpServer, smtp
from e2e.harness import World, duplicates, world
from e2e.test_data_safety_e2e import during, sheets
from hpsync import clock
from hpsync.emulators.generator import generate_school
from hpsync.emulators.generator.people import SITE_NORD
from hpsync.emulators.hyperplanning import start_emulator as start_hyperplanning
from hpsync.worker.app import make_app
from hpsync.worker.command import Command
from hpsync.worker.settings import WorkerSettings
from hpsync.worker.status import StatusBoard

from .conftest import REDIS_URL

__all__ = ["smtp"]

ACCOUNTS = ("nord", "sud")
SCHOOL_B_MAIL = "vie-scolaire@lycee-b.test"
ENDED = {"ok", "partial", "refused", "failed"}


def own_secrets(w: World, tag: str) -> dict[str, str]:
    """Give this world's configuration secret variables of its own (the harness names them
    the same for every world); returns them for the workers' environment."""
    text = w.config.read_text()
    names = ["HPSYNC_E2E_HP"] + [f"HPSYNC_E2E_KEY_{a.upper()}" for a in ACCOUNTS]
    out = {}
    for name in names:
        text = text.replace(f'"env:{name}"', f'"env:{name}_{tag}"')
        out[f"{name}_{tag}"] = os.environ[name]
    w.config.write_text(text)
    return out


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)


def wait(what: str, check: Callable[[], bool], seconds: float = 180) -> None:
    end = time.monotonic() + seconds
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def board(redis_client: Any, settings: WorkerSettings) -> dict[tuple[str, str], dict[str, str]]:
    rows = StatusBoard(redis_client, settings.prefix).rows()
    return {(Path(r["config"]).parent.name, r["account"]): r for r in rows}


@pytest.mark.redis
@pytest.mark.slow
def test_real_workers_sync_two_schools_and_mail_a_guard_trip(
    tmp_path: Path, prefix: str, redis_client: Any, smtp: SmtpServer
) -> None:
    settings = WorkerSettings(redis_url=REDIS_URL, prefix=prefix, queue=f"{prefix}-q")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with ExitStack() as stack:
        a = stack.enter_context(world(tmp_path / "a"))
        secrets = own_secrets(a, "A")
        b = stack.enter_context(world(tmp_path / "b", seed=5))
        secrets |= own_secrets(b, "B")
        last = generate_school("S", 3, year=2025)
        old = stack.enter_context(
            start_hyperplanning(
                last, user="ws", password=secrets["HPSYNC_E2E_HP_A"], root="/hpsw/2025-2026"
            )
        )
        with a.config.open("a") as f:
            f.write(
                f'\n[[hyperplanning.previous]]\nurl = "{old.url}"\nuser = "ws"\n'
                f'password = "env:HPSYNC_E2E_HP_A"\nbase_id = "{last["base"]["id"]}"\n'
            )
        text = b.config.read_text().replace(
            'name = "nord"\n', f'name = "nord"\ndigest_to = ["{SCHOOL_B_MAIL}"]\n'
        )
        text += f'\n[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsender = "hpsync@b.test"\n'
        b.config.write_text(text)

        at = during(a)
        env = {
            **os.environ,
            **secrets,
            "HPSYNC_REDIS_URL": settings.redis_url,
            "HPSYNC_WORKER_PREFIX": settings.prefix,
            "HPSYNC_WORKER_QUEUE": settings.queue,
            clock.ENV: clock.environment_value(at),
        }
        log = (tmp_path / "worker.log").open("w")
        argv = [sys.executable, "-m", "celery", "-A", "hpsync.worker.app", "worker"]
        argv += ["-Q", settings.queue, "-c", "2", "-n", f"real-{prefix}@%h", "-l", "info"]
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=log, start_new_session=True)
        stack.callback(proc.wait, 10)
        stack.callback(stop, proc)
        app = make_app(settings)
        schools = {"a": a, "b": b}

        def run(flow: str, slot: int, pairs: list[tuple[str, str]]) -> None:
            """Send the flow of these accounts and wait for each to end."""
            for school, account in pairs:
                command = Command(str(schools[school].config), account, flow, slot)
                key = f"{settings.prefix}:status:{command.scope}"
                redis_client.hdel(key, f"{flow}_status")  # its last outcome, forgotten
                app.hpsync_send([command])

            def ended() -> bool:
                rows = board(redis_client, settings)
                return all(rows.get(p, {}).get(f"{flow}_status") in ENDED for p in pairs)

            wait(f"{flow} of {pairs}", ended)

        everyone = [(s, n) for s in schools for n in ACCOUNTS]
        run("down", 1, everyone)
        run("up", 2, everyone)
        rows = board(redis_client, settings)
        assert {p: (r["down_status"], r["up_status"]) for p, r in rows.items()} == {
            p: ("ok", "ok") for p in everyone
        }, (tmp_path / "worker.log").read_text()[-3000:]
        for w in (a, b):
            for account in ACCOUNTS:
                assert [c for c in sheets(w, account) if c.api_id], f"{account} has sheets"
                assert not duplicates(w.edusign_state(account))
        for account in ACCOUNTS:
            previous_a = json.loads(rows[("a", account)]["up_detail"])["previous"]
            assert [(p["base_id"], p["outcome"]) for p in previous_a] == [
                (last["base"]["id"], "ok")
            ]
            assert json.loads(rows[("b", account)]["up_detail"])["previous"] == []
        assert smtp.messages == []  # nothing went wrong: nobody is mailed

        # Every learner of school B loses the rubric "Site/Nord": account nord is refused.
        gone = copy.deepcopy(b.school)
        for student in gone["students"]:
            student["rubrics"] = [r for r in student["rubrics"] if r != SITE_NORD]
        moved = stack.enter_context(
            start_hyperplanning(
                gone, user="ws", password=secrets["HPSYNC_E2E_HP_B"], root="/hpsw/2026-2027"
            )
        )
        b.config.write_text(b.config.read_text().replace(b.hp_url, moved.url, 1))
        run("down", 3, [("b", "nord")])
        row = board(redis_client, settings)[("b", "nord")]
        assert row["down_status"] == "refused", row
        wait("the guard e-mail", lambda: len(smtp.messages) >= 1, 30)
        (mail,) = smtp.messages
        assert mail["To"] == SCHOOL_B_MAIL and "nord" in mail["Subject"]
        body = mail.get_body(("plain",))
        assert body is not None and "nord" in body.get_content()
