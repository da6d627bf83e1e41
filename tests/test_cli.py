"""The ``workbench`` command."""
import subprocess
import sys

import pytest

from workbench.cli import main


def test_demo_writes_a_database_and_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert main(["demo", "--db", str(path), "--households", "5"]) == 0
    assert "5 households" in capsys.readouterr().out
    assert main(["demo", "--db", str(path), "--households", "5"]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["demo", "--db", str(path), "--households", "6", "--replace"]) == 0


@pytest.mark.parametrize("args", [["--help"], ["demo", "--help"]])
def test_every_command_has_help(args):
    out = subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True)
    assert out.returncode == 0 and "usage: workbench" in out.stdout
