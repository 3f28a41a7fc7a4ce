"""A refusal reads the same wherever a person looks (issue 23): a guard trips on the
emulators, and the removed learners, by name and e-mail, are the same item lines in
``hpsync runs show``, in ``runs show --json``, on the dashboard's run page and in the guard
e-mail. Who is removed is worked out from the school file and Edusign's own list."""

from __future__ import annotations

import copy
import html
import json
import re
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from alerts.conftest import SmtpServer, smtp
from hpsync.emulators.generator.people import SITE_NORD, SITE_SUD
from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.web import create_app

from .harness import hpsync, world
from .test_data_safety_e2e import during, hyperplanning_now_serves

__all__ = ["smtp"]

TOKEN = "explain-token-4b1e"


def run(at: datetime, *args: str) -> str:
    """``hpsync ARGS`` at ``at`` (its own ``-c``), which must succeed; its output."""
    return hpsync(None, at, *args, ok=True).stdout


SCHOOL_MAIL = "vie-scolaire@lycee.test"


def test_a_guard_trip_names_the_same_learners_in_the_cli_json_dashboard_and_email(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    """Every Nord learner loses the rubric 'Site/Nord': the sync of nord is refused, and each
    of them is one line — kind, name, e-mail, action, why — identical in every face."""
    with world(tmp_path) as w:
        text = w.config.read_text()
        text = 'language = "en"\n' + text.replace(
            'name = "nord"\n', f'name = "nord"\nschool_email = "{SCHOOL_MAIL}"\n', 1
        )
        text += f'\n[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsender = "hpsync@lycee.test"\n'
        w.config.write_text(text)
        at = during(w)
        first = hpsync(w, at, "sync")
        assert first.returncode == 0, first.stderr[-2000:]
        assert smtp.messages == []  # a good sync mails nobody

        # Who will be removed: the school's Nord learners that Edusign holds after the sync.
        client = w.client("nord")
        held = {s.email.lower() for s in client.list_students() if not s.hidden}
        client.close()
        nord = [
            s
            for s in w.school["students"]
            if SITE_NORD in s["rubrics"] and (s["email"] or "").lower() in held
        ]
        assert len(nord) >= 3 and len(nord) == len(held)
        people = [f"{s['first_name']} {s['last_name']} <{s['email']}>" for s in nord]

        # The preview of a configuration that moves nord to the other site names them too.
        proposed = tmp_path / "proposed.toml"
        nord_rule = 'name = "nord"\n'
        head, tail = w.config.read_text().split(nord_rule, 1)
        moved = tail.replace('rubric = "Nord"', 'rubric = "Sud"', 1)
        proposed.write_text(head + nord_rule + moved)
        compare = ["plan", "-c", str(proposed), "--compare", str(w.config), "-a", "nord"]
        preview_text = run(at, *compare)
        (preview_json,) = json.loads(run(at, *compare, "--json"))

        gone = copy.deepcopy(w.school)
        for student in gone["students"]:
            student["rubrics"] = [r for r in student["rubrics"] if r != SITE_NORD]
        with hyperplanning_now_serves(w, gone):
            preview = hpsync(w, at, "plan", "-a", "nord", "--json")
            refused = hpsync(w, at, "sync", "-a", "nord")
        assert refused.returncode == 3, refused.stderr[-2000:]

        runs = json.loads(hpsync(w, at, "runs", "--json", "-a", "nord").stdout)
        run_id = next(r["run_id"] for r in runs if r["outcome"] == "refused")

        # The CLI: one item line per removed learner (the guard's own reason, on the outcome
        # line, names the first five the same way).
        shown = hpsync(w, at, "runs", "show", str(run_id))
        assert shown.returncode == 0, shown.stderr
        items = [line.strip() for line in shown.stdout.splitlines() if line.startswith("  ")]
        cli = {person: [line for line in items if person in line] for person in people}
        for person, lines in cli.items():
            assert lines == [f"learner {person} — to remove: no longer in the planning: archived"]

        # --json: the same item, as data and as the very same line.
        body = json.loads(hpsync(w, at, "runs", "show", str(run_id), "--json").stdout)
        assert body["run_id"] == run_id and body["outcome"] == "refused"
        removed = {
            (i["name"], i["email"]): i
            for i in body["items"]
            if i["kind"] == "learner" and i["action"] == "remove"
        }
        assert set(removed) == {(f"{s['first_name']} {s['last_name']}", s["email"]) for s in nord}
        for s, person in zip(nord, people, strict=True):
            item = removed[(f"{s['first_name']} {s['last_name']}", s["email"])]
            assert item["text"] == cli[person]

        # `plan --compare`, before: the Nord learners not also at Sud leave nord, and the
        # preview names them with the same lines (those at both sites stay: not listed).
        for s, person in zip(nord, people, strict=True):
            want = [] if SITE_SUD in s["rubrics"] else [cli[person]]
            assert [i["text"] for i in preview_json["items"] if person in i["text"][0]] == want
            said = [line.strip() for line in preview_text.splitlines() if person in line]
            assert said == (want[0] if want else [])
        assert any(SITE_SUD not in s["rubrics"] for s in nord)

        # `plan --json` once Hyperplanning dropped them: the same explained items.
        (planned,) = json.loads(preview.stdout)
        for person in people:
            assert [i["text"] for i in planned["explained"] if person in i["text"][0]] == [
                cli[person]
            ]

        # The guard e-mail, to the school: the same lines under the planned removals.
        (mail,) = smtp.messages
        assert mail["To"] == SCHOOL_MAIL and "nord" in mail["Subject"]
        plain = mail.get_body(("plain",))
        assert plain is not None
        listed = [
            line.removeprefix("  - ")
            for line in plain.get_content().splitlines()
            if line.startswith("  - ")
        ]
        for person in people:
            assert [line for line in listed if person in line] == cli[person]

        # The dashboard's run page: each learner in the removals, named the same way.
        with StateStore.open(f"sqlite:///{tmp_path / 'state.db'}") as store:
            app = create_app(
                store,
                token=Secret(TOKEN),
                accounts=["nord", "sud"],
                clock=lambda: at,
                language="en",
                zones={"nord": "Europe/Paris", "sud": "Europe/Paris"},
            )
            page = TestClient(app, follow_redirects=False)
            assert page.post("/login", data={"token": TOKEN}).status_code == 303
            answer = page.get(f"/runs/{run_id}")
        assert answer.status_code == 200
        section = answer.text.split('id="action-remove"', 1)[1].split("</section>", 1)[0]
        cells = [
            html.unescape(c).strip()
            for c in re.findall(r'<td class="named">(.*?)</td>', section, re.S)
        ]
        for person in people:
            assert cells.count(person) == 1, (person, cells)
        assert "no longer in the planning: archived" in section
