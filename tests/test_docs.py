"""The README stays true: its commands exist, every command is documented, the CI calls its test command."""

import re

from typer.main import get_command

from storyline.cli import app

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_readme_opens_with_the_two_set_up_commands_and_ci_runs_the_test_one():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_command_is_documented_with_its_options():
    cli = get_command(app)
    for name, command in cli.commands.items():
        assert f"storyline {name}" in README, name
        usage = next(line for line in README.splitlines() if line.startswith(f"storyline {name}"))
        for param in command.params:
            for option in param.opts:
                if option.startswith("--"):
                    assert option in usage, f"{name} {option} missing from README usage line"
