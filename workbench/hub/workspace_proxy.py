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
"""
from __future__ import annotations

from urllib.parse import urlparse


def same_origin(handler, origin: str) -> bool:
    """Whether ``origin`` is the ``Host`` the request was made to (tornado's rule before 6.6)."""
    host = handler.request.headers.get("Host", "")
    return bool(host) and urlparse(origin).netloc.lower() == host.lower()


def mend() -> None:
    """Apply both mends to jhsingle-native-proxy's handler classes."""
    from jhsingle_native_proxy import proxyhandlers
    from tornado import web

    proxyhandlers.ProxyHandler.check_origin = same_origin

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
