"""What every command shares: the `--db` option, opening the database, and telling refusals in one line.

Errors users can cause (a refused workflow command, a database that does not exist, a port in use, a demo
on a database that is not empty) end the command with one Chinese line on stderr and the exit code of
the vocabulary's refusal table (`rexian.domain.vocabulary.REFUSALS`), never with a traceback.
"""

from __future__ import annotations

import errno
import sys
from typing import Any, NoReturn

import click

from rexian.domain.vocabulary import refusal

DB_HELP = "数据库URL（默认：设置项 db，即工作目录下的 rexian.db；也可用环境变量 REXIAN_DB）"

# The one `--db` option: its value is the database URL, or None for the `db` setting (REXIAN_DB).
db_option = click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)


def open_app(db_url: str | None, *, create: bool = False, clock=None):
    """The application on an existing database (`create=True` for the commands that make one: init,
    org load)."""
    from rexian.bootstrap import bootstrap

    return bootstrap(db_url, clock=clock, create=create)


def open_engine(db_url: str | None, *, create: bool = False, migrate: bool = True):
    """An engine on an existing database (see `rexian.bootstrap.open_database`)."""
    from rexian.bootstrap import open_database

    return open_database(db_url, create=create, migrate=migrate)


def fail(error: BaseException, kind: str | None = None) -> NoReturn:
    """End the command: one line on stderr, the exit code of the refusal kind."""
    kind = kind or getattr(error, "kind", "invalid")
    prefix = "拒绝" if kind != "invalid" else "错误"
    click.echo(f"{prefix}：{error}", err=True)
    sys.exit(refusal(kind).exit_code)


def user_error(error: BaseException) -> str | None:
    """The refusal kind when `error` is one a user can cause and should read in one line; else None."""
    from rexian.domain.errors import InvalidInput, WorkflowError
    from rexian.domain.org_changes import OrgProblems

    if isinstance(error, (WorkflowError, InvalidInput)):
        return error.kind
    if isinstance(error, OrgProblems):
        return "missing_field"
    if type(error).__name__ in ("SchemaNotReady", "KeyFileError"):  # rexian.adapters: not initialised / no key
        return "invalid"
    if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
        return "invalid"
    if type(error).__name__ == "NotEmpty":  # rexian.adapters.bulk_load: bulk loads write empty databases only
        return "invalid"
    return None


HELP_OPTION_HELP = "显示此帮助并退出"


def chinese_help_option(command: click.Command) -> None:
    """Click words its `--help` option in English; ours, and every sub-command's, say it in Chinese."""
    original = command.get_help_option

    def get_help_option(ctx: click.Context) -> click.Option | None:
        option = original(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    command.get_help_option = get_help_option  # type: ignore[method-assign]
    for sub in getattr(command, "commands", {}).values():
        chinese_help_option(sub)


class RexianGroup(click.Group):
    """The `rexian` group: any user error raised inside a command is told in one line (see `user_error`),
    and every command's help is in Chinese. `lazy_commands` names commands by the module that defines them
    (`command`, or a list `commands`); a module is imported when one of its commands is first asked for."""

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self._load(self.lazy_commands[cmd_name])
        return super().get_command(ctx, cmd_name)

    def _load(self, module_name: str) -> None:
        """Attach every command the module defines (all of them, so that its others need no second look)."""
        import importlib

        module = importlib.import_module(module_name)
        for command in getattr(module, "commands", None) or [module.command]:
            if command.name not in self.commands:
                self.add_command(command)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        chinese_help_option(cmd)
        super().add_command(cmd, name)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:  # noqa: BLE001 — only user errors are caught; the rest re-raise
            kind = user_error(error)
            if kind is None:
                raise
            if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
                error = OSError(f"端口已被占用（{error.strerror}）：请用 --port 换一个端口，或先停止占用它的程序")
            fail(error, kind)
