"""A page that tells its reader to run a command names one that exists (the admin page once said
`rexian org apply`, which never did)."""

import re
from pathlib import Path

import click


def test_every_rexian_command_a_template_names_exists():
    from rexian.cli import main

    templates = Path(__file__).resolve().parents[2] / "src" / "rexian" / "web" / "templates"
    named = {tuple(words.split()[:2]) for path in templates.rglob("*.html")
             for words in re.findall(r"rexian ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)", path.read_text(encoding="utf-8"))}
    assert named, "the admin page names the organisation commands"
    context = click.Context(main)
    missing = []
    for words in sorted(named):
        command = main.get_command(context, words[0])  # the group loads its commands' modules lazily
        if command is None or isinstance(command, click.Group) and len(words) == 2 and \
                command.get_command(context, words[1]) is None:  # a group alone lists its commands
            missing.append(" ".join(words))
    assert missing == []
