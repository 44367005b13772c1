"""The command table shared by the Telegram bot and the console: each command says where it works.

The Telegram menu (``set_my_commands``), the Telegram ``/help`` and the console ``/help`` are
all built from this one table, so the two front ends cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot import messages

Where = Literal["telegram", "console"]


@dataclass(frozen=True)
class Command:
    """One slash command."""

    name: str
    telegram: bool = True
    console: bool = False
    menu: bool = True
    """Listed in Telegram's command menu."""

    def works_in(self, where: Where) -> bool:
        """True when the command is available in that front end."""
        return self.telegram if where == "telegram" else self.console


COMMANDS: tuple[Command, ...] = (
    Command("hoi", console=True),
    Command("vanban", console=True),
    Command("dieu", telegram=False, console=True, menu=False),
    Command("danhsach", console=True),
    Command("thongke"),
    Command("reindex"),
    Command("xoa"),
    Command("trangthai", telegram=False, console=True, menu=False),
    Command("help", console=True),
    Command("thoat", telegram=False, console=True, menu=False),
)
BY_NAME = {command.name: command for command in COMMANDS}
ALIASES = {"start": "help"}


def find(name: str) -> Command | None:
    """The command named ``name`` (without "/" or "@botname"), or None."""
    name = name.lstrip("/").split("@", 1)[0].lower()
    return BY_NAME.get(ALIASES.get(name, name))


def telegram_menu() -> list[tuple[str, str]]:
    """(name, description) pairs for Telegram's command menu."""
    described = dict(messages.COMMANDS)
    return [(c.name, described[c.name]) for c in COMMANDS if c.telegram and c.menu]


def help_text(where: Where, username: str = "bot") -> str:
    """The /help text of one front end (HTML), listing only the commands that work there."""
    lines = [messages.HELP_COMMANDS_HEADER]
    lines += [messages.HELP_LINES[c.name] for c in COMMANDS if c.works_in(where)]
    if where == "telegram":
        intro = messages.HELP.split(messages.HELP_COMMANDS_HEADER)[0].format(username=username)
        return intro + "\n".join(lines) + "\n" + messages.HELP_UPLOAD_LINE
    return messages.HELP_CONSOLE + "\n\n" + "\n".join(lines)
