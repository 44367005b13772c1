#!/usr/bin/env python3
"""Export the bot's journal (questions, top hits, abstain, latency, feedback) to CSV.

Usage:
    python scripts/export_log.py                      # CSV on standard output
    python scripts/export_log.py -o log.csv --days 7  # last 7 days into a file
    python scripts/export_log.py --journal data/journal.sqlite
    python scripts/export_log.py --journal postgresql://bot@db.internal/troly

Without --journal: the PostgreSQL database of bot.database_url (or DATABASE_URL) when set,
else the SQLite file bot.journal_path.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

from bot import messages
from bot.db import is_postgres
from bot.journal import EXPORT_COLUMNS, Journal
from bot.settings import load_settings
from index.settings import ConfigError

ROOT = Path(__file__).resolve().parents[1]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """A text cell Excel would run as a formula gets a leading quote (OWASP CSV injection)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def export(journal_path: Path | str, out: object, days: float | None = None) -> int:
    """Write the journal (SQLite file or PostgreSQL URL) as CSV to a text stream; returns
    the number of rows."""
    journal = Journal(journal_path)
    since = time.time() - days * 86400 if days else None
    writer = csv.writer(out)  # type: ignore[arg-type]
    writer.writerow(EXPORT_COLUMNS)
    rows = 0
    try:
        for row in journal.export_rows(since):
            writer.writerow([neutralise(cell) for cell in row])
            rows += 1
    finally:
        journal.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and export."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    parser.add_argument(
        "--journal",
        help="tệp nhật ký SQLite hoặc địa chỉ postgresql:// (mặc định: bot.database_url, "
        "nếu không có thì bot.journal_path)",
    )
    parser.add_argument("-o", "--output", type=Path, help="tệp CSV (mặc định: in ra màn hình)")
    parser.add_argument("--days", type=float, help="chỉ N ngày gần nhất")
    args = parser.parse_args(argv)
    path: Path | str | None = args.journal
    if path is None:
        try:
            path = load_settings(args.config).bot.database
        except ConfigError as exc:
            print(messages.CONFIG_ERROR.format(error=exc), file=sys.stderr)
            return 2
    if not is_postgres(path):
        path = Path(path)
    if isinstance(path, Path) and not path.exists():
        print(messages.SCRIPT_NO_JOURNAL.format(path=path), file=sys.stderr)
        return 1
    if args.output:
        with args.output.open("w", encoding="utf-8-sig", newline="") as out:
            rows = export(path, out, args.days)
        print(messages.SCRIPT_EXPORTED.format(count=rows, path=args.output), file=sys.stderr)
    else:
        try:
            export(path, sys.stdout, args.days)
            sys.stdout.flush()
        except BrokenPipeError:  # `export_log.py | head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
