"""Anomalies link back to their Hyperplanning record: a page explaining it from the base."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hpsync.secrets import Secret
from hpsync.web import create_app

from .conftest import ACCOUNTS, NOW, TOKEN

EXPLAINED: list[str] = []


def fake_explain(record: str) -> str:
    EXPLAINED.append(record)
    return f"== account nord\n{record}: dropped by rule learners: no rubric in family Site"


def test_anomaly_links_to_a_record_page_that_explains_it(
    filled: tuple[object, dict[str, int]],
) -> None:
    """Without a Hyperplanning URL, each anomaly links to /records, which explains the record."""
    app = create_app(
        filled[0],
        token=Secret(TOKEN),
        accounts=list(ACCOUNTS),  # type: ignore[arg-type]
        clock=lambda: NOW,
        explain_now=fake_explain,
    )
    client = TestClient(app, follow_redirects=False)
    assert client.post("/login", data={"token": TOKEN}).status_code == 303
    page = client.get("/anomalies").text
    assert 'href="/records?record=' in page
    link = page.split('href="/records?record=', 1)[1].split('"', 1)[0]
    shown = client.get(f"/records?record={link}")
    assert shown.status_code == 200
    assert "dropped by rule learners" in shown.text and EXPLAINED
    assert TestClient(app).get(f"/records?record={link}", follow_redirects=False).status_code == 303


def test_record_page_absent_without_a_configuration(filled: tuple[object, dict[str, int]]) -> None:
    """With nothing to read the base from, there is no record page and no link to it."""
    app = create_app(
        filled[0],
        token=Secret(TOKEN),
        accounts=list(ACCOUNTS),  # type: ignore[arg-type]
        clock=lambda: NOW,
    )
    client = TestClient(app, follow_redirects=False)
    client.post("/login", data={"token": TOKEN})
    assert "/records?" not in client.get("/anomalies").text
    assert client.get("/records?record=learner+1").status_code == 404
