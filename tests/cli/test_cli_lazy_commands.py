"""The command line names its sub-commands by module and loads a module only when one of its commands is
asked for: the table must say exactly what the modules define, and `rexian do` must not load the rest."""

import importlib
import subprocess
import sys

import click

from rexian.cli import COMMAND_MODULES, main


def test_the_command_table_names_exactly_the_commands_each_module_defines():
    defined = {}
    for module_name in set(COMMAND_MODULES.values()):
        module = importlib.import_module(module_name)
        for command in getattr(module, "commands", None) or [module.command]:
            defined[command.name] = module_name
    assert defined == COMMAND_MODULES


def test_every_named_command_is_found_and_listed_with_the_ones_defined_here():
    context = click.Context(main)
    assert set(main.list_commands(context)) == {*COMMAND_MODULES, "settings"}
    for name in COMMAND_MODULES:
        assert main.get_command(context, name).name == name
    assert main.get_command(context, "no-such-command") is None


def test_a_workflow_command_loads_no_other_command_module():
    probe = ("import sys, click; from rexian.cli import main; "
             "main.get_command(click.Context(main), 'do'); "
             "print(sorted(m for m in sys.modules if m.startswith('rexian.cli.')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert eval(loaded) == ["rexian.cli.options", "rexian.cli.workflow"]  # noqa: S307 - our own probe's list
