"""Driving the workspace's plan tab and home page (and the CARe profile in the assessments tab) in Chromium.

Waiting: as in case_cycle_pages.py, each widget of an action form is changed once
before its submit button is clicked (one ``fill`` or one ``select_option``, so one
``update`` message, sent at once); the kernel handles one page's messages in order,
so the click is handled after every value set before it. The CARe profile is saved
only after its draft in SQLite holds every answer (``AppPage.wait_for_draft``).
Elsewhere the tests wait on what the page shows or on SQLite rows.
"""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page

from workbench import config
from workbench.gas import gas_level_label, level_text
from workbench.instruments.loader import load_builtin

from .case_cycle_pages import CasePage, open_workspace
from .needs_assessment_page import AppPage, today_text

PROFILE = load_builtin("care_profile")
CASE_NUMBER = re.compile(r"\b\d{4}-\d{5}\b")


# FORGE_SCRIPT's technique (needs_assessment_page.py) for pages with binary widget data.
#
# FORGE_SCRIPT makes the page speak the legacy JSON protocol. That could not be used on the
# support plan while its goal chart was an ipywidgets Image, sent as a binary message:
# Voilà 0.5.13 (voila/tornado/kernel_websocket_handler.py, read_header_from_binary_message)
# parses every outgoing binary frame as the v1 protocol's; a legacy frame's first 8 bytes
# then read as ~8.6e17 offsets, and the server's event loop stays in that loop, its memory
# growing, so every page of every user stops. (Charts are now inline PNGs in HTML, text
# frames: see client_page.png_html.) This script keeps the protocol a page negotiates by
# default, v1.kernel.websocket.jupyter.org, so one forgery test goes over it: the frame
# is [n: u64 LE][n offsets: u64 LE] then channel, header, parent_header, metadata, content,
# buffers…; the content part of the next outgoing comm_msg {method: "update", state} whose
# state[key] === from gets state[key] = to (the rule in window.__forge, then used up), and
# the frame is rebuilt. Each rewrite is recorded in window.__forged.
FORGE_V1_SCRIPT = r"""
(() => {
  const Native = window.WebSocket;
  window.__forge = null;
  window.__forged = [];
  window.__protocols = [];
  const decoder = new TextDecoder(), encoder = new TextEncoder();
  function parts(buffer) {
    const view = new DataView(buffer);
    const n = Number(view.getBigUint64(0, true));
    const offsets = [];
    for (let i = 1; i <= n; i++) offsets.push(Number(view.getBigUint64(8 * i, true)));
    const out = [];
    for (let i = 0; i < n - 1; i++) out.push(new Uint8Array(buffer.slice(offsets[i], offsets[i + 1])));
    return out;
  }
  function join(layers) {
    const n = layers.length + 1;
    let at = 8 * (n + 1);
    const offsets = [];
    for (const layer of layers) { offsets.push(at); at += layer.byteLength; }
    offsets.push(at);
    const out = new Uint8Array(at);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, BigInt(n), true);
    offsets.forEach((offset, i) => view.setBigUint64(8 * (i + 1), BigInt(offset), true));
    layers.forEach((layer, i) => out.set(layer, offsets[i]));
    return out.buffer;
  }
  class ForgingWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('open', () => window.__protocols.push(this.protocol));
    }
    send(data) {
      const rule = window.__forge;
      if (rule && typeof data !== 'string') {
        const buffer = data instanceof ArrayBuffer ? data
          : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
        const layers = parts(buffer);
        const header = JSON.parse(decoder.decode(layers[1]));
        const content = JSON.parse(decoder.decode(layers[4]));
        const body = content.data;
        if (header.msg_type === 'comm_msg' && body && body.method === 'update' && body.state
            && Object.prototype.hasOwnProperty.call(body.state, rule.key) && body.state[rule.key] === rule.from) {
          body.state[rule.key] = rule.to;
          window.__forge = null;
          window.__forged.push({comm_id: content.comm_id, state: body.state});
          layers[4] = encoder.encode(JSON.stringify(content));
          data = join(layers);
        }
      }
      return super.send(data);
    }
  }
  window.WebSocket = ForgingWebSocket;
})();
"""
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def level_label(level: int) -> str:
    """What the review form's level dropdown shows for ``level``: ``+2 — значно вище за очікуване``."""
    return f"{level_text(level)} — {gas_level_label(level, 'uk')}"


def domain_label(code: str) -> str:
    """A life domain as the support plan names it (the configuration's label)."""
    return config.label("life_domains", code, "uk")


class ProfileForm:
    """The CARe personal profile open in the needs-assessment app (an :class:`AppPage`)."""

    def __init__(self, app: AppPage):
        self.app, self.page = app, app.page

    def field(self, name: str):
        return self.page.locator(f".wb-field-{name}")

    def answer(self, name: str, value: str):
        item = PROFILE.items[name]
        if item.type == "select_one":
            label = next(c for c in item.choices if c.name == value).label("uk")
            self.field(name).get_by_label(label, exact=True).check()
        elif item.type == "text":
            self.field(name).locator("textarea").fill(value)
        else:
            self.field(name).locator("input").fill(value)

    def fill(self, answers: dict):
        for name, value in answers.items():
            self.answer(name, value)


def complete_profile(wish: str, domain: str) -> dict:
    """Every required answer of the CARe profile (as the widgets hold it), ratings 1–5 in turn."""
    answers = {"meeting_date": today_text(), "filled_with": "together"}
    for number, item in enumerate(PROFILE.scored_items()):
        answers[item.name] = str(number % 5 + 1)
    answers.update({
        "personal_strengths": "Вмію готувати й доглядати за молодшими; не здаюся (браузерний тест).",
        "wish_1": wish,
        "wish_1_domain": domain,
        "next_step": "Зустрітися наступного тижня й разом скласти мету з першого бажання.",
    })
    return answers


class PlanPage(CasePage):
    """The case record's plan tab (``?case=ID&tab=plan``): :meth:`open` loads it, ``tab("plan")`` goes to it."""

    def open(self, case_id: int, tab: str = "plan") -> "PlanPage":
        super().open(case_id, tab)
        return self

    def input(self, form: str, field: str):
        """The ``<input>`` or ``<select>`` of an action form's field."""
        return self.page.locator(f".wb-{form}-{field}").locator("input, select")

    @property
    def t_score(self):
        return self.page.locator(".wb-plan-t_score")


class CaseloadPage:
    """The caseload on the workspace's home page (no query)."""

    def __init__(self, page: Page, server):
        self.page, self.server = page, server

    def open(self) -> "CaseloadPage":
        open_workspace(self.page, self.server, ready=".wb-caseload-shown")
        return self

    @property
    def rows(self):
        return self.page.locator(".wb-caseload-row")

    @property
    def shown(self):
        return self.page.locator(".wb-caseload-shown")

    def case_numbers(self) -> list[str]:
        """The case number of each listed row, in the order shown."""
        numbers = []
        for text in self.rows.all_inner_texts():
            found = CASE_NUMBER.findall(text)
            assert len(found) == 1, f"a caseload row without exactly one case number: {text!r}"
            numbers.append(found[0])
        return numbers

    def filter(self, text: str):
        self.page.fill(".wb-caseload-filter input", text)


def image_loaded(page: Page, selector: str) -> dict:
    """Wait until the ``<img>`` at ``selector`` has a PNG loaded; returns its ``src`` scheme and natural size."""
    page.wait_for_function(
        "sel => { const img = document.querySelector(sel);"
        " return img && img.complete && img.naturalWidth > 0 && img.naturalHeight > 0; }", arg=selector)
    return page.locator(selector).evaluate(
        "img => ({src: img.src.split(':')[0], width: img.naturalWidth, height: img.naturalHeight})")


def iso_today() -> str:
    return date.today().isoformat()
