"""Entry point: ``python -m bot [--config PATH]``.

With TELEGRAM_BOT_TOKEN set, runs the Telegram bot (long polling, or a webhook when
``bot.webhook_url`` is set); without it, a console chat over the same answer pipeline.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from bot import messages
from bot.db import SchemaTooNew, masked, password_of
from bot.redact import install
from bot.settings import Settings, load_settings
from index.settings import ConfigError


def run_bot(settings: Settings) -> int:
    """Run the Telegram bot until interrupted."""
    from telegram import Update

    from bot.app import build_application

    application = build_application(settings)
    cfg = settings.bot
    if cfg.webhook_url:
        secret = os.environ.get(cfg.webhook_secret_env)
        if not secret:
            print(
                messages.CONFIG_ERROR.format(
                    error=messages.WEBHOOK_SECRET_MISSING.format(env=cfg.webhook_secret_env)
                ),
                file=sys.stderr,
            )
            return 2
        application.run_webhook(
            listen=cfg.webhook_listen,
            port=cfg.webhook_port,
            url_path=urlparse(cfg.webhook_url).path.lstrip("/"),
            webhook_url=cfg.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, load the settings and run the bot or the console chat."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Trợ lý văn bản giáo dục: bot Telegram (có TELEGRAM_BOT_TOKEN) hoặc chat "
        "trong terminal.",
    )
    parser.add_argument("--config", type=Path, default=Path("config.yaml"), help="config.yaml")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(messages.CONFIG_ERROR.format(error=exc), file=sys.stderr)
        return 2
    level = logging.DEBUG if args.verbose else logging.INFO if settings.token else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        for noisy in ("httpx", "bm25s", "faiss.loader"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    secrets = install(
        [
            settings.token,
            os.environ.get(settings.bot.webhook_secret_env),
            password_of(settings.bot.database_url),
        ]
    )
    if settings.token:
        try:
            return run_bot(settings)
        except Exception as exc:  # printed without the token, never as a raw traceback
            if type(exc).__name__ == "InvalidToken":
                print(messages.INVALID_TOKEN, file=sys.stderr)
                return 2
            if isinstance(exc, SchemaTooNew) or type(exc).__module__.startswith("psycopg"):
                where = masked(settings.bot.database)
                error = secrets.redact(str(exc).strip().splitlines()[0])
                print(messages.DATABASE_ERROR.format(database=where, error=error), file=sys.stderr)
                return 2
            logging.getLogger(__name__).error("the bot stopped: %s", exc, exc_info=exc)
            print(secrets.redact(f"{type(exc).__name__}: {exc}"), file=sys.stderr)
            return 1
    from bot.console import run_console

    return run_console(settings, sys.stdin, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
