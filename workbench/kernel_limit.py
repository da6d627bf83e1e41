"""At most ``serve.max_kernels`` kernels on one user's server, the preheated pool's counted (issue 16).

Each page of the workspace holds a kernel (~100 MB). A page left without ``beforeunload`` (the browser
killed, the machine asleep) keeps its kernel until the culler's hour, and a page that sends requests in a
loop could start kernels until the machine gives out. So before a page load starts a kernel beyond the
limit, the server ends the kernels of pages that are no longer connected, the least recently active first,
and if every kernel still has its page it refuses the load (HTTP 429) with a short page in both languages.
"""
from __future__ import annotations

import contextvars
import html
import time

from . import i18n
from .config import load_config

i18n.add({
    "serve.too_many_pages_title": {"uk": "Забагато відкритих сторінок", "en": "Too many pages open"},
    "serve.too_many_pages": {
        "uk": "Відкрито забагато сторінок робочого місця ({count}). Закрийте одну з них і оновіть цю сторінку.",
        "en": "Too many pages of the workbench are open ({count}). Close one of them and reload this page.",
    },
    "serve.max_kernels_invalid": {
        "uk": "У конфігурації serve.max_kernels має бути ціле число, більше за кількість попередньо запущених "
              "ядер ({pool}), наприклад 4.",
        "en": "In the configuration, serve.max_kernels must be a whole number greater than the number of "
              "preheated kernels ({pool}), e.g. 4.",
    },
})

DEFAULT_MAX_KERNELS = 4
# A page's websocket connects a moment after its HTML arrives: a kernel served this recently whose page
# has never connected is not taken for an abandoned one. (Once a page has connected, it is abandoned as
# soon as it is not connected.)
CONNECT_GRACE_S = 60

# The page load a handler is serving, so that the kernel it is given is counted as this load's.
_LOAD = contextvars.ContextVar("workbench_page_load", default=None)


def max_kernels(pool: int) -> int:
    """``serve.max_kernels`` of the configuration (default 4): the most kernels the server runs, the ``pool``
    preheated ones among them. Raises ``UserError`` (``serve.max_kernels_invalid``) unless it is a whole
    number greater than ``pool``, which would leave no page a kernel."""
    section = load_config().get("serve") or {}
    value = section.get("max_kernels", DEFAULT_MAX_KERNELS) if isinstance(section, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value <= pool:
        raise i18n.UserError("serve.max_kernels_invalid", pool=pool)
    return value


def refusal_page(pages: int) -> str:
    """The HTML of a refused page load, in both languages; ``pages``: how many pages hold a kernel."""
    title = " / ".join(html.escape(i18n.t("serve.too_many_pages_title", lang)) for lang in i18n.LANGUAGES)
    lines = "".join(f'<p lang="{lang}">{html.escape(i18n.t("serve.too_many_pages", lang, count=pages))}</p>'
                    for lang in i18n.LANGUAGES)
    return (f'<!DOCTYPE html>\n<html lang="uk"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>{lines}</body></html>\n")


class PageKernels:
    """The kernels a Voilà kernel manager gave to pages, and the limit on them with the pool's.

    ``kernel_manager``: Voilà's (with or without preheated pools); ``limit``: :func:`max_kernels`. It wraps
    the manager's ``start_kernel`` and ``get_rendered_notebook`` on the instance, which only the page
    handler calls through the instance; the pools start their kernels through the class (``super()``), so a
    pooled kernel counts as the pool's until a page takes it."""

    def __init__(self, kernel_manager, limit: int):
        self.km, self.limit = kernel_manager, limit
        self.served: dict[str, float] = {}  # kernel id → when a page load got it (time.monotonic)
        self.ever_connected: set[str] = set()
        self.loading: set[object] = set()  # page loads let in that have no kernel yet
        start = kernel_manager.start_kernel
        take = getattr(kernel_manager, "get_rendered_notebook", None)

        async def start_kernel(*args, **kwargs):
            kernel_id = await start(*args, **kwargs)
            self._got(kernel_id)
            return kernel_id

        async def get_rendered_notebook(*args, **kwargs):
            render_task, rendered, kernel_id = await take(*args, **kwargs)
            self._got(kernel_id)
            return render_task, rendered, kernel_id

        kernel_manager.start_kernel = start_kernel
        if take is not None:
            kernel_manager.get_rendered_notebook = get_rendered_notebook

    def _got(self, kernel_id: str) -> None:
        self.served[kernel_id] = time.monotonic()
        self.loading.discard(_LOAD.get())

    def connected(self, kernel_id: str) -> None:
        """A page opened the kernel's websocket (``kernel_channels.PageChannels``)."""
        self.ever_connected.add(kernel_id)

    def pages(self) -> list[str]:
        """The page kernels still running (those ended otherwise, by a page's goodbye or the culler, forgotten)."""
        for kernel_id in [k for k in self.served if k not in self.km]:
            del self.served[kernel_id]
            self.ever_connected.discard(kernel_id)
        return list(self.served)

    def pool(self) -> int:
        """The preheated kernels, running or starting (Voilà's pools, which refill as soon as a page takes one;
        Voilà keeps them in ``_pools`` and offers no count of its own)."""
        return sum(len(pool) for pool in getattr(self.km, "_pools", {}).values())

    def abandoned(self) -> list[str]:
        """Page kernels with no page connected and not busy, the least recently active first."""
        now, found = time.monotonic(), []
        for kernel_id in self.pages():
            model = self.km.kernel_model(kernel_id)
            if model["connections"] or model["execution_state"] == "busy":
                continue
            if kernel_id not in self.ever_connected and now - self.served[kernel_id] < CONNECT_GRACE_S:
                continue
            found.append((self.km.get_kernel(kernel_id).last_activity, kernel_id))
        return [kernel_id for _, kernel_id in sorted(found)]

    async def admit(self) -> int | None:
        """Make room for one more page load: None when there is room (after ending abandoned kernels if need
        be; the load is then counted until it gets its kernel or :meth:`done`), else the number of pages
        that hold a kernel, for :func:`refusal_page`."""
        while len(self.pages()) + len(self.loading) + self.pool() + 1 > self.limit:
            abandoned = self.abandoned()
            if not abandoned:
                return len(self.pages()) + len(self.loading)
            kernel_id = abandoned[0]
            del self.served[kernel_id]  # before the await: a load alongside does not pick it again
            self.ever_connected.discard(kernel_id)
            self.km.log.info("Ending kernel %s: no page connected to it, and a page load needs room "
                             "(serve.max_kernels %s)", kernel_id, self.limit)
            try:
                await self.km.shutdown_kernel(kernel_id)
            except Exception:  # ending already (its page's goodbye came late, or the culler): it goes anyway
                self.km.log.warning("Ending kernel %s failed", kernel_id, exc_info=True)
        token = object()
        self.loading.add(token)
        _LOAD.set(token)
        return None

    def done(self) -> None:
        """The page load let in by :meth:`admit` has ended (with a kernel or without one)."""
        self.loading.discard(_LOAD.get())
