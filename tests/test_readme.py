"""The README is the user's manual: every command and exit code it promises must exist, and vice versa."""

import re
from pathlib import Path

import typer.main
from typer.testing import CliRunner

import cli
from evidence.errors import ExitCode

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented_in_the_readme():
    names = {c.name or c.callback.__name__ for c in cli.app.registered_commands}
    assert names == {"intake", "check", "timeline", "build", "verify", "sample", "serve", "invite",
                     "ocr"}
    for name in names:
        assert f"evidence {name}" in README, f"README does not show `evidence {name}`"


def test_every_command_explains_itself():
    runner = CliRunner()
    group = typer.main.get_command(cli.app)
    for name in group.commands:  # type: ignore[attr-defined]
        result = runner.invoke(cli.app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage" in result.output and len(result.output) > 200, name


def test_exit_code_table_matches_the_code():
    table = dict(re.findall(r"^\| (\d) \| (.+?) \|$", README, flags=re.MULTILINE))
    assert set(map(int, table)) == {int(c) for c in ExitCode}


def test_the_two_setup_commands_exist_and_ci_runs_the_test_command():
    root = Path(__file__).resolve().parents[1]
    block = README.split("## Set-up on a fresh machine", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    assert "bash scripts/test.sh" in (root / ".ci" / "run").read_text()
    for command in commands:
        assert (root / command.split()[1]).is_file()
