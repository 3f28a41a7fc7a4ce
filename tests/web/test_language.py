"""The dashboard as a French- or English-speaking member of staff reads it: their language,
their school's time zone named once, words instead of count keys, and what really
happened to each item."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hpsync.labels import COUNTS, count_label
from hpsync.locale import Reader, negotiate
from hpsync.secrets import Secret
from hpsync.web import create_app

from .fakes import FakeStore
from .school import ACCOUNTS, NOW, TOKEN, StepClock, fill

# The count keys a run stores, as the issue lists them, that are not plain words.
RAW_KEYS = sorted(
    {k for k in COUNTS if "_" in k}
    | {"written.absence.write", "written.absence.rewrite", "written.delay.write"}
)
ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)")


def visible(page: str) -> str:
    """What a person sees: tag-free text, entities decoded, whitespace collapsed (chart
    labels and tooltips included: they are text in the SVG)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def french_app() -> Iterator[tuple[FastAPI, dict[str, int]]]:
    """A dashboard whose configuration says nothing about the language (French)."""
    store = FakeStore(StepClock())
    ids = fill(store)
    app = create_app(store, token=Secret(TOKEN), accounts=list(ACCOUNTS), clock=lambda: NOW)
    yield app, ids


def _client(app: FastAPI, **headers: str) -> TestClient:
    client = TestClient(app, follow_redirects=False, headers=headers)
    assert client.post("/login", data={"token": TOKEN}).status_code == 303
    return client


def _pages(ids: dict[str, int]) -> list[str]:
    return [
        "/",
        f"/runs/{ids['paris_down']}",
        f"/runs/{ids['paris_up']}",
        f"/runs/{ids['lyon_down']}",
        "/anomalies",
        "/drift",
        "/accounts/paris/ledger",
        "/accounts/paris/notifications",
    ]


def test_language_comes_from_the_configuration_then_the_browser_then_the_switch(
    french_app: tuple[FastAPI, dict[str, int]],
) -> None:
    """No preference: French (the default); a browser asking for English gets English; the
    ?lang= switch wins and is remembered for the next pages."""
    app, _ = french_app
    plain = _client(app)
    assert '<html lang="fr">' in plain.get("/").text
    assert "Vue d’ensemble" in plain.get("/").text
    english = _client(app, **{"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert '<html lang="en">' in english.get("/").text
    switched = _client(app, **{"Accept-Language": "fr-FR"})
    answer = switched.get("/anomalies?lang=en")
    assert '<html lang="en">' in answer.text and "hpsync_lang=en" in answer.headers["set-cookie"]
    assert '<html lang="en">' in switched.get("/drift").text  # remembered
    login = TestClient(app).get("/login?lang=en")
    assert "Give the dashboard token" in login.text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_page_shows_utc_and_each_names_its_zone_once(
    french_app: tuple[FastAPI, dict[str, int]], language: str
) -> None:
    """Every time is Paris time, with the zone named once per page; nothing says UTC."""
    app, ids = french_app
    client = _client(app)
    note = Reader(language).zone_note()
    for path in _pages(ids):
        page = client.get(path, params={"lang": language}).text
        text = visible(page)
        assert "UTC" not in text, path
        assert not ISO_WITH_OFFSET.search(text), path
        assert text.count(note) == 1, path
        assert text.count("Europe/Paris") == 1, path
    run = visible(client.get(f"/runs/{ids['paris_down']}", params={"lang": language}).text)
    # started 13:00 UTC on 2 March 2026: 14:00 in Paris
    assert ("lun. 2 mars 2026, 14:00" if language == "fr" else "Mon 2 Mar 2026, 14:00") in run


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_count_key_reaches_a_page(
    french_app: tuple[FastAPI, dict[str, int]], language: str
) -> None:
    """Figures read as words in the page's language; the stored keys never show."""
    app, ids = french_app
    client = _client(app)
    reader = Reader(language)
    for path in _pages(ids):
        text = visible(client.get(path, params={"lang": language}).text)
        shown = [key for key in RAW_KEYS if re.search(rf"(?<![\w.]){re.escape(key)}\b", text)]
        assert shown == [], (path, shown)
    down = visible(client.get(f"/runs/{ids['paris_down_ok']}", params={"lang": language}).text)
    assert count_label("writes_planned", reader) in down
    assert count_label("api_calls", reader) in down
    up = visible(client.get(f"/runs/{ids['paris_up']}", params={"lang": language}).text)
    assert count_label("written.absence.write", reader) in up
    assert count_label("sheets_open", reader) in up


@pytest.mark.parametrize(
    ("language", "kept", "done_word"),
    [("en", "kept: locked sheet", "done"), ("fr", "conservée : feuille verrouillée", "fait")],
)
def test_a_protected_item_says_it_was_kept_not_done(
    french_app: tuple[FastAPI, dict[str, int]], language: str, kept: str, done_word: str
) -> None:
    """The locked sheet the store marked 'done' reads as kept because it is locked; items
    that were written say what was written."""
    app, ids = french_app
    page = _client(app).get(f"/runs/{ids['paris_down']}", params={"lang": language}).text
    section = page[page.index('id="action-protected"') : page.index('id="action-hand_made"')]
    text = visible(section)
    assert kept in text
    assert not re.search(rf"\b{done_word}\b", text)
    created = visible(page[page.index('id="action-create"') : page.index('id="action-update"')])
    assert ("created in Edusign" if language == "en" else "créée dans Edusign") in created


def test_machine_outputs_keep_iso_times_with_offsets(
    french_app: tuple[FastAPI, dict[str, int]],
) -> None:
    """/api/overview is for machines: ISO-8601 with an offset, whatever the language."""
    app, _ = french_app
    body = _client(app).get("/api/overview?lang=fr").json()
    paris = next(a for a in body["accounts"] if a["account"] == "paris")
    assert ISO_WITH_OFFSET.fullmatch(paris["last_good"])
    assert paris["health"] == "partial"  # a machine's word, not a label


def test_accept_language_is_read_by_weight_and_falls_back() -> None:
    """The best weighted language hpsync speaks wins; none → the configured one."""
    assert negotiate("de-DE,en;q=0.8,fr;q=0.9", "en") == "fr"
    assert negotiate("de, en-US;q=0.5", "fr") == "en"
    assert negotiate("de, it;q=0.5", "en") == "en"
    assert negotiate(None, "fr") == "fr"
    assert negotiate("fr;q=0, en;q=0.1", "fr") == "en"


def test_every_count_key_has_words_in_both_languages() -> None:
    """Each key of the issue's list has a label that is not the key, in English and French,
    and the French one is not left in English."""
    keys = [
        "created", "updated", "removed", "adopted", "unchanged", "protected", "hand_made",
        "drift", "anomalies", "writes_planned", "failed", "batches", "sheets_final",
        "sheets_open", "marks_read", "changes_planned", "notes", "hand_added",
        "written.absence.rewrite", "written.delay.write", "written.early_departure.remove",
        "already_in_sync", "not_supported", "held", "api_calls", "write_calls", "sheets_read",
        "sheets_read_changed",
    ]  # fmt: skip
    english, french = Reader("en"), Reader("fr")
    for key in keys:
        en, fr = count_label(key, english), count_label(key, french)
        assert "_" not in en and "_" not in fr and "." not in fr, key
        if "_" in key or "." in key:
            assert en != key, key
        assert fr != en or key == "anomalies", key
    assert count_label("written.lunch.write", english) == "lunch: written in Hyperplanning"
    assert count_label("sheets_new", french) == "sheets new"  # unknown: words, never the key
