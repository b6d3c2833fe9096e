"""The `rexian` command line.

Sub-command groups live in their own modules and are named here (`COMMAND_MODULES`), so this file stays a table
of contents; a module is loaded when one of its commands is asked for.
"""

from __future__ import annotations

import click

from rexian import __version__
from rexian.cli.options import RexianGroup

# Every sub-command and the module that defines it (as a click command or group named `command`, or in a
# list `commands`). A module is imported only when one of its commands runs or `--help` lists them all, so
# `rexian do` does not load (nor, without bytecode files, compile) the fifteen other modules.
# tests/cli/test_cli_lazy_commands.py checks this table against what the modules define.
COMMAND_MODULES: dict[str, str] = {
    **dict.fromkeys(("init", "upgrade", "org", "do", "show", "verify"), "rexian.cli.workflow"),
    "demo": "rexian.cli.demo", "calendar": "rexian.cli.calendar",
    **dict.fromkeys(("import", "export", "export-findings", "mapping"), "rexian.cli.imports"),
    "open311": "rexian.cli.open311",
    **dict.fromkeys(("analyze", "evaluate"), "rexian.cli.analysis"),
    "findings": "rexian.cli.findings",
    **dict.fromkeys(("train-router", "text-eval"), "rexian.cli.text"),
    "simulate": "rexian.cli.simulate", "assist": "rexian.cli.assist", "check-real": "rexian.cli.real",
    "serve": "rexian.cli.serve", "user": "rexian.cli.users",
    **dict.fromkeys(("keys", "checkpoint", "personal-data"), "rexian.cli.keys"),
    **dict.fromkeys(("backup", "restore"), "rexian.cli.backup"),
    "supervise": "rexian.cli.supervise",
}


@click.group(cls=RexianGroup, lazy_commands=COMMAND_MODULES, context_settings={"help_option_names": ["-h", "--help"]})
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

