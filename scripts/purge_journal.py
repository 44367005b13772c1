#!/usr/bin/env python3
"""Delete old questions (user ids, chat ids, question texts) from the bot's journal.

Usage:
    python scripts/purge_journal.py                # older than bot.journal_retention_days
    python scripts/purge_journal.py --days 90      # older than 90 days
    python scripts/purge_journal.py --days 0       # everything

The journal is the PostgreSQL database of bot.database_url (or DATABASE_URL) when set, else
the SQLite file bot.journal_path; --journal names another file or postgresql:// URL.

The running bot applies ``bot.journal_retention_days`` by itself once a day; this script is
for a one-off clean-up (for instance after a request to erase personal data, or before
handing the server over). Export first with scripts/export_log.py if the history matters.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot import messages
from bot.db import is_postgres, masked
from bot.journal import Journal
from bot.settings import load_settings
from index.settings import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """Purge and say how many questions were deleted."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml", help="config.yaml")
    parser.add_argument(
        "--journal",
        help="tệp nhật ký SQLite hoặc địa chỉ postgresql:// (mặc định: bot.database_url, "
        "nếu không có thì bot.journal_path)",
    )
    parser.add_argument("--days", type=float, help="xoá câu hỏi cũ hơn N ngày (0 = xoá hết)")
    args = parser.parse_args(argv)
    try:
        bot = load_settings(args.config).bot
    except ConfigError as exc:
        print(messages.CONFIG_ERROR.format(error=exc), file=sys.stderr)
        return 2
    path: Path | str = args.journal or bot.database
    if not is_postgres(path):
        path = Path(path)
    days = args.days if args.days is not None else bot.journal_retention_days or None
    if days is None:
        print(messages.PURGE_NO_DAYS, file=sys.stderr)
        return 2
    if isinstance(path, Path) and not path.exists():
        print(messages.SCRIPT_NO_JOURNAL.format(path=path), file=sys.stderr)
        return 1
    journal = Journal(path)
    try:
        deleted = journal.purge(time.time() - days * 86400 if days else float("inf"))
    finally:
        journal.close()
    print(messages.PURGE_DONE.format(count=deleted, days=f"{days:g}", path=masked(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
