"""Which server each role gets on the hub: decided here, once, from the workbench's policy roles.

- ``workspace``: the case managers' and administrators' door. The workspace app alone, served by Voilà
  (:func:`workbench.serve.serve`) behind the hub's OAuth (jhsingle-native-proxy): no notebooks, no
  terminal, no file browser, and a kernel websocket that carries widget messages only.
- ``lab``: supervisors and the head of centre. JupyterLab with the supervisors' notebooks, and the
  workspace beside them (Voilà's Lab extension). They run code, so they are trusted with the database file.
- ``None``: researchers. No server: they never reach the database, and are handed the pseudonymised
  export as files (``workbench export``). Also anyone unknown or deactivated.
"""
from __future__ import annotations

from .. import i18n

i18n.add({
    "hub.no_door.researcher": {
        "uk": "Дослідники не працюють на сервері центру: вони отримують псевдонімізовані дані файлами "
              "(workbench export) від керівника центру.",
        "en": "Researchers do not work on the centre's server: they receive the pseudonymised data as files "
              "(workbench export) from the head of centre.",
    },
    "hub.no_door.inactive": {
        "uk": "Обліковий запис «{username}» неактивний або невідомий. Зверніться до адміністратора.",
        "en": "The account '{username}' is inactive or unknown. Ask your administrator.",
    },
})

DOORS = {"case_manager": "workspace", "administrator": "workspace",
         "supervisor": "lab", "head_of_centre": "lab", "researcher": None}


def door(user: dict | None) -> str | None:
    """The door of ``user`` (as :func:`workbench.store.guard.current_version` gives it), or None."""
    if user is None or not user["active"]:
        return None
    return DOORS.get(user["role"])


def refusal(user: dict | None, username: str) -> str:
    """Why ``username`` gets no server, in both languages."""
    key = "hub.no_door.researcher" if user and user["active"] and user["role"] == "researcher" else "hub.no_door.inactive"
    return " / ".join(i18n.t(key, lang, username=username[:64]) for lang in i18n.LANGUAGES)
