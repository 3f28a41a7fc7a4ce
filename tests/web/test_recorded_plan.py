"""A plan recorded by the sync service itself (``plan_rows``) reads right on the run page."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from hpsync.engine.plan import Action, FieldChange, Plan, PlanItem
from hpsync.model import Kind
from hpsync.rules.outcome import Anomaly, AnomalyCode
from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.sync.runs import plan_rows
from hpsync.web import create_app

from .school import NOW, TOKEN, StepClock


def test_run_page_reads_what_the_sync_service_stores(tmp_path: Path) -> None:
    """Reasons, field changes, drift and anomalies written by plan_rows all show on the page."""
    plan = Plan(
        account="paris",
        base_id="2026",
        items=(
            PlanItem(
                Kind.SESSION,
                Action.UPDATE,
                "hp:2026:session:77",
                remote_id="crs-1",
                summary="Maths",
                changes=(FieldChange("room", "B12", "C07"),),
                drift="edited",
                reason="room changed in Hyperplanning",
            ),
            PlanItem(Kind.LEARNER, Action.UNCHANGED, "hp:2026:learner:1", summary="Quiet"),
        ),
        anomalies=(
            Anomaly(AnomalyCode.LEARNER_NO_EMAIL, "learner", "4031", "Dan Petit", "no e-mail", 3),
        ),
    )
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}", clock=StepClock()) as store:
        run = store.start_run("paris", "down", dry_run=True)
        store.add_plan_items(run, plan_rows(plan))
        store.finish_run(run, "planned", {"anomalies": 1})
        app = create_app(
            store, token=Secret(TOKEN), accounts=["paris"], clock=lambda: NOW, language="en"
        )
        client = TestClient(app, follow_redirects=False)
        client.post("/login", data={"token": TOKEN})
        page = client.get(f"/runs/{run}").text
        anomalies = client.get("/anomalies").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "room changed in Hyperplanning" in text
    assert "room : B12 → C07" in text
    assert "edited by hand in Edusign" in text
    assert "Quiet" not in text  # unchanged items are not stored
    assert "learner_no_email" in text and "learner 4031" in text
    assert "Dan Petit" in text and "affects 3 sessions" in text
    assert 'id="code-learner_no_email"' in anomalies
