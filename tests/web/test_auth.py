"""The dashboard's gate: token login, signed session cookie, CSRF on forms, logout."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hpsync.web.auth import COOKIE_NAME

from .school import TOKEN


def _csrf(client: TestClient) -> str:
    page = client.get("/").text
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_pages_without_cookie_redirect_to_login(anon: TestClient) -> None:
    """Every page sends a browser without a session to /login."""
    for path in ["/", "/runs/1", "/anomalies", "/drift", "/accounts/paris/ledger"]:
        response = anon.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/login"


def test_json_and_posts_without_cookie_answer_401(anon: TestClient) -> None:
    """The JSON endpoint and the forms answer 401 rather than redirecting without a session."""
    assert anon.get("/api/overview").status_code == 401
    assert anon.post("/accounts/paris/plan", data={"csrf": "x"}).status_code == 401
    assert anon.post("/logout").status_code == 401


def test_wrong_token_shows_login_again_with_401(anon: TestClient) -> None:
    """A wrong token gets the login page back, 'wrong token', HTTP 401 and no cookie."""
    response = anon.post("/login", data={"token": TOKEN + "x"})
    assert response.status_code == 401
    assert "wrong token" in response.text
    assert 'name="token"' in response.text
    assert COOKIE_NAME not in response.cookies
    assert anon.get("/").status_code == 303


def test_right_token_sets_httponly_cookie_and_opens_pages(anon: TestClient) -> None:
    """The right token sets an HttpOnly, SameSite=strict cookie that opens the pages."""
    response = anon.post("/login", data={"token": TOKEN})
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert TOKEN.lower() not in cookie
    assert anon.get("/").status_code == 200
    assert anon.get("/api/overview").status_code == 200


def test_forged_cookie_is_refused(anon: TestClient) -> None:
    """A cookie whose signature does not match the server's key opens nothing."""
    anon.cookies.set(COOKIE_NAME, "9999999999.abc.0000")
    assert anon.get("/").status_code == 303
    anon.cookies.clear()
    anon.post("/login", data={"token": TOKEN})
    value = anon.cookies[COOKIE_NAME]
    expires, nonce, sig = value.split(".")
    anon.cookies.clear()
    anon.cookies.set(COOKIE_NAME, f"{int(expires) + 1}.{nonce}.{sig}")
    assert anon.get("/").status_code == 303


def test_dry_run_post_needs_the_csrf_token(client: TestClient) -> None:
    """The dry-run form is refused (403) without the session's CSRF token, done with it."""
    assert client.post("/accounts/paris/plan", data={}).status_code == 403
    assert client.post("/accounts/paris/plan", data={"csrf": "forged"}).status_code == 403
    response = client.post("/accounts/paris/plan", data={"csrf": _csrf(client)})
    assert response.status_code == 200
    assert "plan for paris" in response.text


def test_logout_revokes_the_session(client: TestClient) -> None:
    """After logout, even a replayed copy of the old cookie opens nothing."""
    old = client.cookies[COOKIE_NAME]
    response = client.post("/logout", data={"csrf": _csrf(client)})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, old)
    assert client.get("/").status_code == 303


def test_security_headers_on_every_answer(anon: TestClient, client: TestClient) -> None:
    """Pages forbid framing and foreign scripts, and are not cached."""
    for response in [anon.get("/login"), client.get("/"), anon.get("/")]:
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"


def test_guessing_tokens_is_throttled_per_address(anon: TestClient) -> None:
    """Five wrong tokens, then 429 with Retry-After — even for the right token — until the
    window passes; the throttle counts per address and forgets on success."""
    for _ in range(5):
        assert anon.post("/login", data={"token": "guess"}).status_code == 401
    refused = anon.post("/login", data={"token": TOKEN})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "too many wrong tokens" in refused.text


def test_the_throttle_window_passes() -> None:
    """After the window the address may try again; a success clears its count."""
    from hpsync.web.auth import LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(attempts=2, window=60, clock=lambda: now[0])
    throttle.failed("a")
    throttle.failed("a")
    assert throttle.wait("a") == 61 and throttle.wait("b") == 0
    now[0] = 61.0
    assert throttle.wait("a") == 0
    throttle.failed("a")
    throttle.succeeded("a")
    assert throttle.wait("a") == 0


def test_absurd_or_unknown_run_ids_are_404(client: TestClient) -> None:
    """A run id no database can hold, zero or negative: 404, never a server error."""
    for run_id in ("99999999999999999999999", "0", "-3", "424242"):
        assert client.get(f"/runs/{run_id}").status_code == 404, run_id
