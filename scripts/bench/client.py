"""HTTP requests to the local server (``http.client``, keep-alive when asked), signing in."""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from scripts.bench.common import HOST


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> Reply:
    """One HTTP request to the local server."""
    own = conn is None
    connection = conn or http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        if own:
            connection.close()


def sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the form (with its CSRF token); return the Cookie header."""
    jar: SimpleCookie = SimpleCookie()
    page = fetch(port, "GET", "/accounts/sign-in/")
    for value in page.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or match is None or "csrftoken" not in jar:
        raise RuntimeError(f"sign-in page: status {page.status}, no CSRF token found")
    form = urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": password}
    )
    cookie = "; ".join(f"{k}={m.value}" for k, m in jar.items())
    reply = fetch(
        port,
        "POST",
        "/accounts/sign-in/",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body=form.encode(),
    )
    for value in reply.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    if reply.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"sign-in failed: status {reply.status}")
    return "; ".join(f"{k}={m.value}" for k, m in jar.items())
