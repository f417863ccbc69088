"""A person at the §8.1 login page: reads the form, types the ЛК login and password."""
from __future__ import annotations

from html.parser import HTMLParser


class LoginForm(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.action = None
        self.fields: dict[str, str] = {}
        self.names: list[str] = []
        self.button_classes: list[str] = []
        self.errors: list[str] = []
        self._in_error = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action = a.get("action")
        elif tag == "input":
            self.names.append(a.get("name"))
            if a.get("type") == "hidden":
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "button":
            self.button_classes.append(a.get("class", ""))
        elif tag == "p" and a.get("class") == "error":
            self._in_error = True

    def handle_data(self, data):
        if self._in_error:
            self.errors.append(data)
            self._in_error = False


async def log_in(simulator, authorize_url: str, login: str, password: str):
    """Open the page, submit the form; (status, Location or the page shown again)."""
    async with simulator.request("GET", authorize_url, allow_redirects=False) as r:
        assert r.status == 200, await r.text()
        form = LoginForm(await r.text())
    base = authorize_url.split("/oauth/authorize")[0]
    data = {**form.fields, "login": login, "password": password}
    async with simulator.request("POST", base + "/oauth/authorize", data=data, allow_redirects=False) as r:
        return r.status, r.headers.get("Location") or await r.text()
