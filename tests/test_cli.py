"""The ``workbench`` command: every subcommand has help and is documented in the README (as sqlite-utils'
test_docs does); the commands that open a database bring its schema up to date first."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import build_parser, main
from workbench.store.connection import open_db

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def subcommands() -> dict:
    """``{name: its parser}`` for every subcommand the parser knows."""
    parser = build_parser()
    (action,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return dict(action.choices)


COMMANDS = sorted(subcommands())


def test_demo_writes_a_database_and_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert main(["demo", "--db", str(path), "--households", "5"]) == 0
    assert "5 households" in capsys.readouterr().out
    assert main(["demo", "--db", str(path), "--households", "5"]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["demo", "--db", str(path), "--households", "6", "--replace"]) == 0


def test_migrate_creates_the_database_and_applies_each_migration_once(tmp_path, capsys, monkeypatch):
    from workbench.store.schema import migrations

    monkeypatch.setenv("WB_LANG", "uk")
    path = tmp_path / "new.db"
    assert main(["migrate", "--db", str(path)]) == 0
    assert f"міграцій — {len(migrations._migrations)};" in capsys.readouterr().out
    assert main(["migrate", "--db", str(path)]) == 0
    assert "міграцій — 0;" in capsys.readouterr().out
    assert migrations.pending(open_db(path)) == []


def test_the_commands_are_the_ones_we_know():
    assert {"demo", "serve", "migrate", "report", "export"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: workbench {command}")
    assert subcommands()[command].description or _help_line(command), command


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_is_in_the_readme(command):
    assert f"workbench {command}" in README, f"the README does not mention `workbench {command}`"


def _help_line(command: str) -> str:
    parser = build_parser()
    (action,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return next(a.help for a in action._choices_actions if a.dest == command)


def test_the_installed_command_runs():
    # The console script `make setup` installs, not just the function behind it.
    script = shutil.which("workbench", path=str(Path(sys.executable).parent))
    assert script, "the `workbench` command is not installed beside this Python"
    done = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, COLUMNS="200"), check=False)
    assert done.returncode == 0
    for command in COMMANDS:
        assert command in done.stdout
