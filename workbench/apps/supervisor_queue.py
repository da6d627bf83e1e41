"""A supervisor's queue: what needs them across their teams' cases (the head of centre: every team's), as one HTML
table a non-programmer reads in a notebook (``notebooks/supervisor_queue.ipynb``).

The rows are :func:`workbench.store.agenda.needs_action` with ``whole_team=True`` (the store asks the policy: a case
the reader may not read never appears), overdue first, each with a link that opens the case in the workspace at
the tab where the thing is done (:data:`workbench.apps.home.TAB_OF`). Where the workspace is
(:func:`workspace_address`): beside JupyterLab under the hub, else the configuration's ``serve.workspace_address``,
else ``workbench serve``'s own address on this machine (``make demo``).
"""
from __future__ import annotations

import html
import os
from collections import Counter
from datetime import date

from .. import i18n
from ..analysis.presentation import SCROLLS
from ..config import load_config
from ..i18n import UserError
from ..store.agenda import KINDS, kind_label, needs_action
from ..store.users import staff
from .address import Place
from .common import subject_label
from .home import TAB_OF

# The workspace app's path under a Jupyter server with Voilà (``workbench serve``, or JupyterLab's Voilà extension on
# the hub, where the supervisor's door puts workspace.ipynb at the top of her folder).
WORKSPACE_PATH = "voila/render/workspace.ipynb"
LOCAL_SERVE = "http://localhost:8866/"  # `workbench serve`'s default port (make demo)
# JupyterLab right-aligns a rendered table's cells: text reads from the left (a more specific rule than Lab's).
# An overdue row is tinted and its state in bold red (a whole row in bold red reads badly, dozens of them worse).
STYLE = ("<style>table.wb-queue td, table.wb-queue th, table.wb-queue-counts td:first-child,"
         " table.wb-queue-counts th:first-child {text-align:left; vertical-align:top; white-space:normal;"
         " padding:3px 8px} table.wb-queue tr.wb-overdue {background:#fdecea}"
         " table.wb-queue .wb-late {color:#b00020; font-weight:bold} table.wb-queue .wb-day {white-space:nowrap}</style>")

i18n.add({
    "queue.title": {"uk": "Черга супервізора: що потребує вашої дії", "en": "Supervisor's queue: what needs you"},
    "queue.as_of": {"uk": "Станом на {day}", "en": "As of {day}"},
    "queue.none": {"uk": "Нічого не чекає на вас і вашу команду.", "en": "Nothing is waiting for you or your team."},
    "queue.counts": {"uk": "Скільки чого", "en": "How many of each"},
    "queue.total": {"uk": "Усього", "en": "Total"},
    "queue.col.needed": {"uk": "Що потрібно", "en": "What is needed"},
    "queue.col.count": {"uk": "Кількість", "en": "Count"},
    "queue.col.overdue_count": {"uk": "З них прострочено", "en": "Of them overdue"},
    "queue.col.case": {"uk": "Випадок", "en": "Case"},
    "queue.col.subject": {"uk": "Сімʼя / особа", "en": "Family / person"},
    "queue.col.due": {"uk": "Строк", "en": "Due"},
    "queue.col.state": {"uk": "Стан", "en": "State"},
    "queue.col.worker": {"uk": "Фахівець", "en": "Worker"},
    "queue.overdue": {"uk": "ПРОСТРОЧЕНО", "en": "OVERDUE"},
    "queue.urgent": {"uk": "ТЕРМІНОВО", "en": "URGENT"},
    "queue.open_case": {"uk": "Відкрити випадок", "en": "Open the case"},
    "queue.unknown_worker": {
        "uk": "Фахівця «{worker}» немає серед працівників. Вкажіть логін, наприклад olena.demo, або None.",
        "en": "There is no staff member '{worker}'. Give a username, e.g. olena.demo, or None.",
    },
    "queue.address_invalid": {
        "uk": "У конфігурації serve.workspace_address має бути адреса робочого місця, що починається з http://, "
              "https:// або /, чи null.",
        "en": "In the configuration, serve.workspace_address must be the workspace's address, starting with http://, "
              "https:// or /, or null.",
    },
    "queue.unknown_team": {
        "uk": "Команди «{team}» немає. Можливі: {teams}.", "en": "There is no team '{team}'. Possible: {teams}.",
    },
})


def workspace_address(environ: dict | None = None) -> str:
    """The workspace's address, which the queue's links start from (``?case=ID&tab=…`` is added):

    - under the hub (``JUPYTERHUB_SERVICE_PREFIX`` set, e.g. ``/user/mariia.demo/``): the workspace beside the
      supervisor's JupyterLab, ``/user/mariia.demo/voila/render/workspace.ipynb`` (same site: no host needed);
    - else the configuration's ``serve.workspace_address`` (a reverse proxy's name, another port);
    - else ``http://localhost:8866/voila/render/workspace.ipynb``, where ``make demo`` serves it.

    ``environ``: the environment to read (default ``os.environ``)."""
    environ = os.environ if environ is None else environ
    prefix = environ.get("JUPYTERHUB_SERVICE_PREFIX")
    if prefix:
        return prefix.rstrip("/") + "/" + WORKSPACE_PATH
    section = load_config().get("serve")
    configured = section.get("workspace_address") if isinstance(section, dict) else None
    if configured is None:
        return LOCAL_SERVE + WORKSPACE_PATH
    if not isinstance(configured, str) or not configured.startswith(("http://", "https://", "/")):
        raise UserError("queue.address_invalid")
    return configured


def case_address(case_id: int, tab: str, base: str) -> str:
    """The address that opens case ``case_id`` at ``tab`` (one of :data:`workbench.apps.address.TABS`) in the
    workspace at ``base`` (:func:`workspace_address`)."""
    return f"{base}?{Place('case', case_id, tab).as_query()}"


def queue_rows(db, actor: str, lang: str, today: date | None = None, *, worker: str | None = None,
               team: str | None = None, base: str | None = None) -> list[dict]:
    """``actor``'s queue on ``today`` (default: today), in ``lang``, overdue first: per item ``kind, needed`` (what
    is needed, worded), ``case_number, subject`` (the family or person), ``due`` (dd.mm.yyyy, or ""),
    ``overdue, urgent`` (bool), ``worker`` (the display name of who holds the case), ``address`` (opens the case
    in the workspace at ``base``, default :func:`workspace_address`, at the tab where it is done).

    ``worker`` (a username) or ``team`` (a team's name) keep only that worker's or team's cases; an unknown one is
    a ``UserError`` (``queue.unknown_worker``, ``queue.unknown_team``). The store asks the policy
    (``caseload.read``, ``staff.read`` for a filter, and each case read)."""
    lang = i18n.normalise_language(lang)
    items = needs_action(db, actor, today, whole_team=True)
    if worker is not None or team is not None:
        keep = _workers_kept(db, actor, worker, team)
        items = [item for item in items if item["worker"] in keep]
    base = workspace_address() if base is None else base
    return [{"kind": item["kind"], "needed": kind_label(item["kind"], lang), "case_number": item["case_number"],
             "subject": subject_label(item, lang), "due": item["due"].strftime("%d.%m.%Y") if item["due"] else "",
             "overdue": item["overdue"], "urgent": item["urgent"], "worker": item["worker_name"],
             "address": case_address(item["case_id"], TAB_OF[item["kind"]], base)} for item in items]


def _workers_kept(db, actor: str, worker, team) -> set[str]:
    """The usernames a ``worker`` or ``team`` filter keeps (both given: those of the worker in the team)."""
    people = staff(db, actor, active_only=False)
    keep = {p["username"] for p in people}
    if worker is not None:
        if not isinstance(worker, str) or worker not in keep:
            raise UserError("queue.unknown_worker", worker=str(worker)[:80])
        keep = {worker}
    if team is not None:
        teams = sorted({t for p in people for t in p["teams"]})
        if not isinstance(team, str) or team not in teams:
            raise UserError("queue.unknown_team", team=str(team)[:80], teams=", ".join(teams))
        keep &= {p["username"] for p in people if team in p["teams"]}
    return keep


def kind_counts(rows: list[dict]) -> list[tuple[str, int, int]]:
    """``(needed, count, overdue)`` per kind present in ``rows``, in the order of :data:`KINDS`."""
    counts, overdue = Counter(r["kind"] for r in rows), Counter(r["kind"] for r in rows if r["overdue"])
    needed = {r["kind"]: r["needed"] for r in rows}
    return [(needed[kind], counts[kind], overdue[kind]) for kind in KINDS if counts[kind]]


def queue_html(rows: list[dict], lang: str, as_of: date | None = None) -> str:
    """The queue as HTML: a title (with the day it was read, ``as_of``, default today), the counts per kind, then one
    table row per item (no index column; the overdue marked in red; each case a link that opens it in a new tab)."""
    lang = i18n.normalise_language(lang)

    def t(key, **params):
        return html.escape(i18n.t(key, lang, **params))

    parts = [STYLE, f"<h3>{t('queue.title')}</h3>",
             f"<p>{t('queue.as_of', day=(as_of or date.today()).strftime('%d.%m.%Y'))}</p>"]
    if not rows:
        return "".join(parts) + f"<p>{t('queue.none')}</p>"
    counts = kind_counts(rows)
    cells = "".join(f"<tr><td>{html.escape(needed)}</td><td style='text-align:right'>{n}</td>"
                    f"<td style='text-align:right'>{late or ''}</td></tr>" for needed, n, late in counts)
    total = sum(n for _, n, _ in counts), sum(late for _, _, late in counts)
    parts.append(f"<h4>{t('queue.counts')}</h4><table class='wb-queue-counts' style='{SCROLLS}'><thead><tr>"
                 f"<th>{t('queue.col.needed')}</th><th>{t('queue.col.count')}</th><th>{t('queue.col.overdue_count')}"
                 f"</th></tr></thead><tbody>{cells}<tr><th>{t('queue.total')}</th><th style='text-align:right'>"
                 f"{total[0]}</th><th style='text-align:right'>{total[1] or ''}</th></tr></tbody></table>")
    head = "".join(f"<th>{t('queue.col.' + c)}</th>" for c in ("case", "subject", "needed", "due", "state", "worker"))
    body = []
    for row in rows:
        flags = [i18n.t("queue.overdue", lang)] * row["overdue"] + [i18n.t("queue.urgent", lang)] * row["urgent"]
        late = " wb-overdue" if row["overdue"] else ""
        opened = (f"<a href='{html.escape(row['address'], quote=True)}' target='_blank' rel='noopener' "
                  f"title='{t('queue.open_case')}'>{html.escape(row['case_number'])}</a>")
        body.append(f"<tr class='wb-queue-{row['kind']}{late}'><td class='wb-day'>{opened}</td>"
                    f"<td>{html.escape(row['subject'])}</td><td>{html.escape(row['needed'])}</td>"
                    f"<td class='wb-day'>{html.escape(row['due'])}</td><td class='wb-late'>{html.escape(' · '.join(flags))}"
                    f"</td><td>{html.escape(row['worker'])}</td></tr>")
    parts.append(f"<table class='wb-queue' style='{SCROLLS}'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    return "".join(parts)
