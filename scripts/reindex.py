#!/usr/bin/env python3
"""Build or update the index from the documents folder.

Usage:
    python scripts/reindex.py                 # incremental: only new/changed documents
    python scripts/reindex.py --full          # rebuild everything
    python scripts/reindex.py --docs DIR --index DIR
    python scripts/reindex.py --no-embed      # BM25 only, fast; vectors added by the next run

With bot.database_url (or DATABASE_URL) set, the build also holds the database's build lock,
so it never runs at the same time as a /reindex of any bot replica sharing the index folder.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot import messages  # noqa: E402
from bot.db import Database, masked, write_errors  # noqa: E402
from bot.jobs import shared_build  # noqa: E402
from bot.progress import TqdmProgress  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from index.settings import ConfigError, load_index_settings  # noqa: E402
from index.store import BuildLocked, DiskFull  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """Run one build and print its report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    parser.add_argument("--docs", type=Path, help="thư mục văn bản (mặc định: documents_dir)")
    parser.add_argument("--index", type=Path, help="thư mục chỉ mục (mặc định: index_dir)")
    parser.add_argument("--full", action="store_true", help="xử lý lại mọi văn bản")
    parser.add_argument(
        "--no-embed", action="store_true", help="chưa tạo vector (nhanh; lần chạy sau sẽ tạo)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_index_settings(args.config).with_dirs(args.docs, args.index)
        database_url = load_settings(args.config).bot.database_url
    except ConfigError as exc:
        print(messages.CONFIG_ERROR.format(error=exc), file=sys.stderr)
        return 2
    try:
        database = Database(database_url) if database_url else None
    except write_errors() as exc:
        error = f"{masked(database_url or '')}: {exc}"
        print(messages.SCRIPT_ERROR.format(error=error), file=sys.stderr)
        return 4
    bars = TqdmProgress()
    try:
        report = shared_build(
            database, settings, full=args.full, embed=not args.no_embed, progress=bars
        )
    except BuildLocked:
        print(messages.SCRIPT_BUILD_LOCKED, file=sys.stderr)
        return 3
    except DiskFull as exc:
        bars.close()
        print(messages.SCRIPT_ERROR.format(error=exc), file=sys.stderr)
        return 4
    finally:
        bars.close()
        if database is not None:
            database.close()
    print(
        messages.SCRIPT_REINDEX_DONE.format(
            build_id=report.build_id,
            documents=report.documents,
            chunks=report.chunks,
            embedded=report.embedded,
            seconds=report.seconds,
            added=len(report.added),
            changed=len(report.changed),
            removed=len(report.removed),
            unchanged=len(report.unchanged),
            failed=len(report.failed),
        )
    )
    for doc_id, reason in report.failed:
        print(messages.SCRIPT_REINDEX_FAILED.format(doc_id=doc_id, reason=reason))
    return 0


if __name__ == "__main__":
    sys.exit(main())
