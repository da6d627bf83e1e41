"""Serving the staff apps with Voilà, configured the same way for the demo, the tests and the benchmarks."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from . import i18n, paths
from .config import load_config

i18n.add({
    "serve.host_refused": {
        "uk": "Цей сервер не відповідає на адресу «{host}». Відкрийте його через localhost або 127.0.0.1 "
              "чи через назву, яку дозволяє конфігурація (serve.hosts).",
        "en": "This server does not answer to '{host}'. Open it at localhost or 127.0.0.1, "
              "or at a name the configuration allows (serve.hosts).",
    },
    "serve.origin_refused": {
        "uk": "Зʼєднання зі сторінки іншого сайту ({origin}) відхилено.",
        "en": "A connection from another site's page ({origin}) is refused.",
    },
    "serve.hosts_invalid": {
        "uk": "У конфігурації serve.hosts має бути список назв, наприклад [\"workbench.centre.example\"].",
        "en": "In the configuration, serve.hosts must be a list of names, e.g. [\"workbench.centre.example\"].",
    },
})

# The workspace gets a preheated kernel waiting (the notebook runs ahead up to wait_for_request());
# each costs ~100 MB and a core while it fills.
PREHEATED_APPS = {"workspace.ipynb": 1}

# The six apps the workspace replaced, and where their addresses lead now: a bookmark still works.
OLD_APPS = {"intake": ("view", "intake"), "events": ("view", "events"), "caseload": None,
            "case": ("tab", "overview"), "needs_assessment": ("tab", "assessments"), "support_plan": ("tab", "plan")}

# The names the server answers to whatever the configuration says: the loopback ones, as a browser
# sends them in ``Host`` (tornado's ``request.host_name``: lower case, the port cut off).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def allowed_hosts() -> tuple[str, ...]:
    """The names the server answers to: loopback, and the configuration's ``serve.hosts`` (e.g. the name a
    reverse proxy in front of it passes on), in lower case; any port."""
    section = load_config().get("serve") or {}
    hosts = section.get("hosts", []) if isinstance(section, dict) else None
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h.strip() for h in hosts):
        raise i18n.UserError("serve.hosts_invalid")
    return tuple(dict.fromkeys([*LOOPBACK_HOSTS, *(h.strip().lower() for h in hosts)]))


def preheated_kernels(preheat: bool = True, pools: dict[str, int] | None = None) -> int:
    """How many kernels the pools keep waiting (``pools`` as :func:`serve` takes them)."""
    return sum((pools or PREHEATED_APPS).values()) if preheat else 0


def origin_pattern(hosts) -> re.Pattern:
    """An ``Origin`` of one of ``hosts`` (http or https, any port)."""
    names = "|".join(re.escape(host) for host in hosts)
    return re.compile(rf"https?://(?:{names})(?::\d+)?", re.IGNORECASE)


def _refusal(request, hosts, origins) -> str | None:
    """Why ``request`` is refused (a message in both languages), or None. A ``Host`` not among ``hosts`` is
    what DNS rebinding sends; a websocket handshake whose ``Origin`` is not one of ours comes from another
    site's page (browsers always send ``Origin`` there; a client without it is no browser's page)."""
    if request.host_name not in hosts:
        key, params = "serve.host_refused", {"host": request.host[:100]}
    elif (request.headers.get("Upgrade", "").lower() == "websocket"
          and (origin := request.headers.get("Origin")) is not None and not origins.fullmatch(origin)):
        key, params = "serve.origin_refused", {"origin": origin[:100]}
    else:
        return None
    return "\n".join(i18n.t(key, lang, **params) for lang in i18n.LANGUAGES) + "\n"


def install_host_guard(app, hosts) -> None:
    """Refuse (403) every request of tornado ``app`` that :func:`_refusal` refuses, on every route.

    Jupyter Server checks ``Host`` in its own handlers (``check_host``), but Voilà turns that off
    (``allow_remote_access=True``) and serves static files and its query websocket through plain tornado
    handlers, so the guard sits in front of them all: the first rule of the application's router.
    """
    from tornado.routing import Matcher, Rule
    from tornado.web import RequestHandler

    hosts = frozenset(hosts)
    origins = origin_pattern(sorted(hosts))

    class Refused(Matcher):
        def match(self, request):
            message = _refusal(request, hosts, origins)
            return None if message is None else {"target_kwargs": {"message": message}}

    class Refuse(RequestHandler):
        def initialize(self, message: str) -> None:
            self.message = message

        def prepare(self) -> None:
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("X-Content-Type-Options", "nosniff")
            self.finish(self.message)

    app.default_router.rules.insert(0, Rule(Refused(), Refuse))


def workspace_address(old_app: str, query: str) -> str:
    """The workspace's query for an old app's address (``case.ipynb?case=12`` → ``case=12&tab=overview``)."""
    from urllib.parse import parse_qs, urlencode

    target = OLD_APPS[old_app]
    case = (parse_qs(query).get("case") or [""])[0]
    if target is None:
        return ""
    if target[0] == "view":
        return urlencode({"view": target[1]})
    return urlencode({"case": case, "tab": target[1]}) if re.fullmatch(r"[0-9]{1,18}", case) else ""


def install_old_addresses(app, server_url: str, base_url: str) -> None:
    """Redirect the old apps' addresses and the server's root into the workspace (after the guard: a refused
    request stays refused).
    Voilà routes under ``server_url``; the browser sees ``base_url`` (the same unless a proxy is in front)."""
    from tornado.routing import PathMatches, Rule
    from tornado.web import RequestHandler

    class ToWorkspace(RequestHandler):
        def get(self, old_app):
            query = workspace_address(old_app, self.request.query)
            self.redirect(f"{base_url}voila/render/workspace.ipynb" + (f"?{query}" if query else ""))

    class Home(RequestHandler):
        def get(self):
            self.redirect(f"{base_url}voila/render/workspace.ipynb")

    names = "|".join(re.escape(name) for name in OLD_APPS)
    pattern = PathMatches(rf"{re.escape(server_url)}voila/render/({names})\.ipynb")
    app.default_router.rules.insert(1, Rule(pattern, ToWorkspace))
    # The server's own address leads to the workspace, not to Voilà's list of notebooks (the hub sends a
    # user to /user/NAME/ after signing in).
    app.default_router.rules.insert(2, Rule(PathMatches(re.escape(server_url)), Home))


def page_handler_setting_xsrf_cookie():
    """Voilà's page handler, made to set the ``_xsrf`` cookie that the page's kernel shutdown needs.

    When a page is left or closed, Voilà's widget manager (``packages/widgets_manager8/src/index.ts``, on
    ``beforeunload``) reads ``_xsrf`` from ``document.cookie`` and sends it as a form field with
    ``navigator.sendBeacon`` to ``POST /voila/api/shutdown/<kernel id>`` (``VoilaShutdownKernelHandler``).
    Jupyter Server checks that field against the cookie before any non-GET request (``JupyterHandler.prepare``
    → ``check_xsrf_cookie``). But standalone Voilà never sets the cookie: neither its page handler nor its
    templates touch ``xsrf_token`` (in JupyterLab, Lab's own page sets it). So the field went empty, tornado
    answered 403 "'_xsrf' argument missing from POST" and every page left its kernel running.

    Reading ``self.xsrf_token`` before the page's first byte sets the cookie (tornado's double-submit token,
    not HttpOnly, so the page's script can read it). Nothing is exempted: the shutdown route, like every
    other, still refuses a POST whose token does not match the cookie, i.e. one from another site's page.

    The handler also keeps the server within ``serve.max_kernels`` (:class:`workbench.kernel_limit.PageKernels`):
    a load that finds no room is answered 429 with a short page in both languages (the cookie is set anyway).
    """
    import tornado.web
    from voila.tornado.handler import TornadoVoilaHandler

    from .kernel_limit import refusal_page

    class PageHandler(TornadoVoilaHandler):
        @tornado.web.authenticated
        async def get(self, path=None):
            self.xsrf_token  # noqa: B018 - the property sets the cookie when the request has none
            pages = getattr(self.kernel_manager, "page_kernels", None)  # serve() gives it one (kernel_limit)
            if pages is None:
                await super().get(path)
                return
            refused = await pages.admit()
            if refused is not None:
                self.set_status(429)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(refusal_page(refused))
                return
            try:
                await super().get(path)
            finally:
                pages.done()

    return PageHandler


def kernel_idle_minutes() -> int:
    """``serve.kernel_idle_minutes`` (default 60): how long a kernel with no page connected is kept."""
    return int((load_config().get("serve") or {}).get("kernel_idle_minutes", 60))


def voila_config(port: int, preheat: bool = True, pools: dict[str, int] | None = None, base_url: str = "/",
                 fill_delay_s: float = 0):
    """The traitlets ``Config`` for Voilà: loopback only, our pools, no stray ``voila.json``.
    ``base_url``: what the browser sees before the apps' paths when a proxy in front strips it (the hub's
    ``/user/NAME/``); Voilà then routes at ``/`` and writes links under ``base_url``.
    (``serve()`` adds the guard on ``Host`` and ``Origin``, which a ``Config`` cannot.)"""
    from traitlets.config import Config

    config = Config()
    config.Voila.ip = "127.0.0.1"
    config.Voila.port = port
    if base_url != "/":
        config.Voila.base_url = base_url
        config.Voila.server_url = "/"
    config.Voila.open_browser = False
    config.Voila.config_file_paths = []  # no stray voila.json changes what we serve
    config.VoilaConfiguration.show_tracebacks = False
    # The page never sees the kernel's output streams or tracebacks (kernel_channels). What the page may send
    # is the kernel manager's allowed_message_types, set in serve(): Voilà passes its own list to the kernel
    # manager's constructor, and traitlets lets a keyword argument beat the configuration, so a
    # MappingKernelManager (or VoilaKernelManager) setting here would be ignored (tried: it is).
    config.Voila.kernel_websocket_connection_class = "workbench.kernel_channels.PageChannels"
    config.VoilaConfiguration.file_allowlist = []  # serve no data files, only the apps
    # A page ends its kernel when it is left or closed (page_handler_setting_xsrf_cookie). The culler is
    # the backstop for kernels whose page could not say so: the browser killed or crashed, the machine
    # asleep, a page closed before it had loaded. It ends a kernel idle for serve.kernel_idle_minutes with no
    # page connected (a connected page's kernel is never culled, nor a pooled one, busy in wait_for_request()).
    # Drafts keep the work of a culled page.
    config.MappingKernelManager.cull_idle_timeout = kernel_idle_minutes() * 60
    config.MappingKernelManager.cull_interval = 300
    if preheat:
        config.VoilaConfiguration.preheat_kernel = True
        config.VoilaKernelManager.kernel_pools_config = {
            "default": {"pool_size": 0},
            **{name: {"pool_size": size} for name, size in (pools or PREHEATED_APPS).items()},
        }
        # How long after a page takes the preheated kernel its replacement starts: at once for one person; on
        # the hub later (hub.pool_fill_delay_s), so that staff signing in together are not slowed by every
        # server refilling its pool at the same moment (the refill is a kernel running the app's imports).
        config.VoilaKernelManager.fill_delay = fill_delay_s
    return config


def serve(apps_dir: Path | None = None, port: int = 8866, preheat: bool = True,
          pools: dict[str, int] | None = None, base_url: str = "/", fill_delay_s: float = 0) -> None:
    """Run Voilà in this process until stopped (``WB_DB`` and ``WB_USER`` pass on to the kernels).

    It answers only to the names of :func:`allowed_hosts` and refuses websockets from other sites' pages:
    a page the user visits cannot reach it through DNS rebinding. A page may send its kernel only what
    Voilà's widgets send (no code to run) and never receives the kernel's output or tracebacks
    (:mod:`workbench.kernel_channels`); at most ``serve.max_kernels`` kernels run (:mod:`workbench.kernel_limit`).
    A bad ``serve`` configuration raises ``UserError`` before anything starts."""
    from voila.app import Voila

    from .kernel_limit import PageKernels, max_kernels

    hosts = allowed_hosts()  # a bad configuration stops the server before it starts
    limit = max_kernels(preheated_kernels(preheat, pools))

    from voila.tornado.handler import TornadoVoilaHandler

    from .kernel_channels import PAGE_MESSAGE_TYPES

    page_handler = page_handler_setting_xsrf_cookie()

    class GuardedVoila(Voila):
        def init_settings(self):  # Voilà makes its kernel manager here, with its own allowed_message_types
            settings = super().init_settings()
            self.kernel_manager.allowed_message_types = list(PAGE_MESSAGE_TYPES)
            self.kernel_manager.page_kernels = PageKernels(self.kernel_manager, limit)
            return settings

        def init_handlers(self):  # the pages (/voila/render/...) get the handler that sets the _xsrf cookie
            return [(route[0], page_handler, *route[2:]) if route[1] is TornadoVoilaHandler else route
                    for route in super().init_handlers()]

        def listen(self):  # Voilà's start(): the application and its routes are made, nothing is served yet
            install_host_guard(self.app, hosts)
            install_old_addresses(self.app, self.server_url, self.base_url)
            super().listen()

    apps_dir = Path(apps_dir or paths.apps_dir())
    os.environ.setdefault("MPLBACKEND", "Agg")
    GuardedVoila.launch_instance(argv=[str(apps_dir)], config=voila_config(port, preheat, pools, base_url, fill_delay_s))


class VoilaServer:
    """Voilà as a subprocess on a free loopback port, for tests and benchmarks.

    ``with VoilaServer(db_path, user="olena.demo") as server: server.url("needs_assessment.ipynb")``.
    It waits until the server answers and always stops it (and its kernels) on exit.
    """

    def __init__(self, db_path, user: str, apps_dir=None, pools: dict[str, int] | None = None,
                 log_path=None, timeout_s: float = 90):
        self.db_path, self.user, self.timeout_s = Path(db_path), user, timeout_s
        self.apps_dir = Path(apps_dir or paths.apps_dir())
        self.pools = pools
        self.log_path = Path(log_path) if log_path else self.db_path.with_suffix(".voila.log")
        self.port = _free_port()
        self.process = None

    def url(self, notebook: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}" if notebook else f"http://127.0.0.1:{self.port}/"

    def __enter__(self):
        env = dict(os.environ, WB_DB=str(self.db_path), WB_USER=self.user, MPLBACKEND="Agg")
        env.pop("JUPYTERHUB_USER", None)
        code = ("import sys, json; from workbench.serve import serve; "
                "serve(sys.argv[1], port=int(sys.argv[2]), pools=json.loads(sys.argv[3]) or None)")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(self.apps_dir), str(self.port), json.dumps(self.pools or {})],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if answers(self.port):
                return self
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"Voilà did not answer on port {self.port}; log:\n{self.log_text()}")

    def wait_for_pools(self, timeout_s: float = 120) -> None:
        """Wait until every preheated pool has filled once (the log says so)."""
        names = list((self.pools or PREHEATED_APPS).keys())
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            log = self.log_text()
            if all(f"Kernel pool of {name} is filled" in log for name in names):
                return
            time.sleep(0.25)
        raise RuntimeError(f"the kernel pools did not fill in {timeout_s:.0f} s; log:\n{self.log_tail()}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def kernel_pids(self, kernel_id: str | None = None) -> list[int]:
        """The server's kernel processes: all, or the one whose connection file names ``kernel_id``."""
        return [pid for pid in process_tree(self.process.pid)
                if "ipykernel" in (cmdline := _cmdline(pid))
                and (kernel_id is None or f"kernel-{kernel_id}.json" in cmdline)]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            # The kernels, orphaned by then, are killed if their pid still is one (not reused).
            stop_process_group(self.process, self.kernel_pids(), 10, still=lambda pid: "ipykernel" in _cmdline(pid))
        if getattr(self, "_log", None):
            self._log.close()
        return False


def stop_process_group(process: subprocess.Popen, below: list[int], wait_s: float, still=lambda pid: True) -> None:
    """Stop ``process``'s group (SIGTERM, SIGKILL after ``wait_s``), then kill each of ``below`` (processes
    read before, which may have left the group) for which ``still(pid)`` holds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=wait_s)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for pid in below:
        if still(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def answers(port: int, path: str = "/") -> bool:
    """Whether an HTTP server answers on loopback ``port`` (any status: the root redirects to the workspace,
    and following that would start a kernel)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def process_tree(pid: int) -> list[int]:
    """Every process below ``pid``, read from /proc (Linux)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(x) for x in children.read_text().split()]
            except OSError:
                continue
            for kid in kids:
                if kid not in found:
                    found.append(kid)
                    todo.append(kid)
    return found


def _free_port() -> int:

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
