"""jhsingle-native-proxy, as the workspace door runs it: ``python -m workbench.hub.workspace_proxy [its options]``.

jhsingle-native-proxy (0.8.3, its latest release) does the hub's OAuth in front of the user's Voilà. Two
of its handlers predate tornado 6.6, which the lock holds, and are mended here before it starts:

- its websocket handshake asks ``check_origin`` for every request with an ``Origin``. Since tornado 6.6,
  ``check_origin`` answers only for origins that are *not* the page's own (tornado checks same-origin
  itself first), and says no to those by default, so every kernel websocket was refused (403) and the
  workspace never drew. The check below is tornado's rule before 6.6: the ``Origin`` must be the
  ``Host`` the browser asked for; any other site's page is still refused.
- an unauthenticated request is redirected to the hub's sign-in, then ``await`` of that ``None`` raised
  ``TypeError`` into the log on every first visit.

Its error pages (another staff member's browser refused at this server: 403) are tornado's, in English;
:func:`error_page` says it in both languages, as the hub's own error page does (``hub/templates/error.html``).
"""
from __future__ import annotations

from urllib.parse import urlparse


def same_origin(handler, origin: str) -> bool:
    """Whether ``origin`` is the ``Host`` the request was made to (tornado's rule before 6.6)."""
    host = handler.request.headers.get("Host", "")
    return bool(host) and urlparse(origin).netloc.lower() == host.lower()


def error_page(handler, status_code: int, **kwargs) -> None:
    """A short error page in Ukrainian and English, no details (those are in the log)."""
    from html import escape

    if status_code == 403:
        title = "Доступ заборонено · Access refused"
        text = ("Ця сторінка належить іншому працівникові. · This page belongs to another staff member.")
    else:
        title = f"{status_code} · Помилка · Error"
        text = ("Спробуйте ще раз за хвилину; якщо не минає, зверніться до адміністратора. · Try again in a minute; "
                "if it persists, ask your administrator.")
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    handler.finish(f"<!doctype html><html lang='uk'><meta charset='utf-8'><title>{escape(title)}</title>"
                   f"<h1>{escape(title)}</h1><p>{escape(text)}</p><p><a href='/hub/'>До своєї сторінки · To my "
                   "page</a></p></html>")


def mend() -> None:
    """Apply both mends to jhsingle-native-proxy's handler classes."""
    from jhsingle_native_proxy import proxyhandlers
    from tornado import web

    proxyhandlers.ProxyHandler.check_origin = same_origin
    proxyhandlers.ProxyHandler.write_error = error_page

    @web.authenticated
    async def oauth_proxy(self, port, path):
        return await self.core_proxy(port, path)

    async def proxy(self, port, path):
        if self.authtype == "oauth":
            result = oauth_proxy(self, port, path)  # None when it has redirected to the sign-in
            return await result if result is not None else None
        return await self.core_proxy(port, path)

    proxyhandlers.SuperviseAndProxyHandler.proxy = proxy


if __name__ == "__main__":
    from jhsingle_native_proxy.main import run

    mend()
    run()
