"""The `rexian` command line.

Sub-command groups live in their own modules and are attached here, so this file stays a table of contents.
"""

from __future__ import annotations

import importlib

import click

from rexian import __version__
from rexian.cli.options import RexianGroup

# Modules that define a click command or group named `command` (or `commands`, a list) to attach.
COMMAND_MODULES: tuple[str, ...] = ("rexian.cli.workflow", "rexian.cli.demo", "rexian.cli.calendar",
                                    "rexian.cli.imports", "rexian.cli.open311",
                                    "rexian.cli.analysis", "rexian.cli.findings", "rexian.cli.text",
                                    "rexian.cli.simulate", "rexian.cli.assist", "rexian.cli.real",
                                    "rexian.cli.serve", "rexian.cli.users",
                                    "rexian.cli.keys", "rexian.cli.backup", "rexian.cli.supervise")


@click.group(cls=RexianGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rexian", help="显示版本并退出")
def main() -> None:
    """Rexian（热线）：12345政务服务便民热线工单与监督分析。"""
    from rexian.bootstrap import configure_text

    configure_text()  # every command's text layer follows the settings (REXIAN_TEXT_*)


@main.command("settings")
def show_settings() -> None:
    """列出全部设置项及其默认值和含义。"""
    from rexian.settings import SETTINGS

    for setting in SETTINGS:
        click.echo(f"{setting.name} = {setting.default!r}\n    {setting.doc}")


def _attach_commands() -> None:
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        for command in getattr(module, "commands", None) or [module.command]:
            main.add_command(command)


_attach_commands()
