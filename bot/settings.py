"""Typed settings of the bot: the ``bot:`` section of config.yaml plus the environment.

Defaults live here; config.yaml holds only what a deployer changes. The token comes only from
the environment (``TELEGRAM_BOT_TOKEN``); ``TELEGRAM_BASE_URL`` overrides ``bot.base_url``.
A wrong key or value raises :class:`ConfigError` naming it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from index.access import AccessSettings, access_settings
from index.settings import (
    ConfigError,
    IndexSettings,
    Range,
    build_dataclass,
    index_settings,
    load_index_settings,
    read_config,
)

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
BASE_URL_ENV = "TELEGRAM_BASE_URL"
DATABASE_URL_ENV = "DATABASE_URL"
DEFAULT_BASE_URL = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class RateLimitSettings:
    """Outgoing message limits (python-telegram-bot's AIORateLimiter)."""

    enabled: bool = True
    overall_per_second: float = 30.0
    group_per_minute: float = 20.0
    max_retries: int = 3
    """Retries after a RetryAfter (flood wait) answer from Telegram."""

    RANGES: ClassVar[dict[str, Range]] = {
        "overall_per_second": Range(0, low_open=True),
        "group_per_minute": Range(0, low_open=True),
        "max_retries": Range(0, 100),
    }


@dataclass(frozen=True)
class BotSettings:
    """Everything the Telegram front end needs besides the engine."""

    admin_ids: tuple[int, ...] = ()
    """Telegram user ids allowed to upload, delete and reindex documents."""
    manager_ids: tuple[int, ...] = ()
    """User ids allowed to see /thongke (administrators are managers too)."""
    allowed_chats: tuple[int, ...] = ()
    """Chat ids the bot answers in; empty means every chat."""
    max_question_chars: int = 1000
    max_upload_mb: float = 20.0
    answer_passages: int = 3
    """Passages in one answer: the best one plus passages from other documents."""
    passage_chars: int = 700
    journal_path: Path = Path("data/journal.sqlite")
    journal_retention_days: int = 0
    """Questions older than this many days are deleted from the journal (daily); 0 keeps all."""
    database_url: str | None = field(default=None, repr=False)
    """``postgresql://user:password@host/db`` shared by several bot processes (replicas);
    None keeps the journal in the SQLite file ``journal_path``. ``DATABASE_URL`` overrides."""
    uploads_dir: str = "uploads"
    """Sub-folder of documents_dir where uploaded files are stored."""
    admin_chat_id: int | None = None
    """Chat that receives error reports; None sends none."""
    webhook_url: str | None = None
    """Public HTTPS URL; when set the bot runs a webhook instead of long polling."""
    webhook_secret_env: str = "TELEGRAM_WEBHOOK_SECRET"
    """Environment variable holding the webhook secret token."""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    base_url: str = DEFAULT_BASE_URL
    """Bot API base URL (a local Bot API server, or a fake one in tests)."""
    list_page_size: int = 10
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)

    RANGES: ClassVar[dict[str, Range]] = {
        "max_question_chars": Range(1, 4000),
        "max_upload_mb": Range(0, low_open=True),
        "answer_passages": Range(1, 10),
        "passage_chars": Range(50, 3500),
        "journal_retention_days": Range(0),
        "webhook_port": Range(1, 65535),
        "list_page_size": Range(1, 50),
    }

    @property
    def base_file_url(self) -> str:
        """File download URL matching :attr:`base_url` (".../bot" -> ".../file/bot")."""
        base = self.base_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"

    @property
    def database(self) -> str | Path:
        """Where the journal and the shared state live: the PostgreSQL URL or the SQLite file."""
        return self.database_url or self.journal_path

    def is_admin(self, user_id: int | None) -> bool:
        """True for a configured administrator."""
        return user_id is not None and user_id in self.admin_ids

    def is_manager(self, user_id: int | None) -> bool:
        """True for a manager or an administrator."""
        return user_id is not None and (user_id in self.manager_ids or user_id in self.admin_ids)


@dataclass(frozen=True)
class Settings:
    """The whole configuration: engine sections, bot section and the token."""

    index: IndexSettings
    bot: BotSettings
    config_path: Path
    access: AccessSettings = field(default_factory=AccessSettings)
    """Which chats and users read which collections (the ``access:`` section)."""
    token: str | None = field(default=None, repr=False)

    @property
    def uploads_path(self) -> Path:
        """Folder where administrators' uploads are stored."""
        return self.index.documents_dir / self.bot.uploads_dir

    @property
    def data_dir(self) -> Path:
        """Folder beside the journal for staged uploads and backups."""
        return self.bot.journal_path.parent


def _ids(value: Any, where: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ConfigError(f"{where}: cần danh sách mã Telegram (số nguyên), nhận được {value!r}")
    return tuple(value)


def bot_settings(data: dict[str, Any] | None, base: Path, env: dict[str, str]) -> BotSettings:
    """Build :class:`BotSettings` from the ``bot:`` mapping; relative paths resolve from base."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"bot: cần một nhóm thiết lập (khoá: giá trị), nhận được {data!r}")
    data = dict(data)
    special: dict[str, Any] = {}
    for key in ("admin_ids", "manager_ids", "allowed_chats"):
        if key in data:
            special[key] = _ids(data.pop(key), f"bot.{key}")
    if "admin_chat_id" in data:
        chat = data.pop("admin_chat_id")
        if chat is not None and (isinstance(chat, bool) or not isinstance(chat, int)):
            raise ConfigError(
                f"bot.admin_chat_id: cần mã cuộc trò chuyện (số nguyên), nhận được {chat!r}"
            )
        special["admin_chat_id"] = chat
    if "rate_limit" in data:
        special["rate_limit"] = build_dataclass(
            RateLimitSettings, data.pop("rate_limit"), "bot.rate_limit"
        )
    settings = replace(build_dataclass(BotSettings, data, "bot"), **special)
    _check_name(settings.uploads_dir, "bot.uploads_dir")
    base_url = env.get(BASE_URL_ENV) or settings.base_url
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"bot.base_url: cần một địa chỉ http(s)://, nhận được {base_url!r}")
    if settings.webhook_url is not None and not settings.webhook_url.startswith("https://"):
        raise ConfigError(
            f"bot.webhook_url: cần một địa chỉ https://, nhận được {settings.webhook_url!r}"
        )
    database_url = (env.get(DATABASE_URL_ENV) or "").strip() or settings.database_url
    if database_url is not None and not database_url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            "bot.database_url: cần một địa chỉ postgresql://người_dùng:mật_khẩu@máy/csdl, "
            f"nhận được {database_url.split('://')[0]!r}://…"
        )
    journal = settings.journal_path
    return replace(
        settings,
        base_url=base_url,
        database_url=database_url,
        journal_path=journal if journal.is_absolute() else (base / journal).resolve(),
    )


def _check_name(name: str, where: str) -> None:
    if not name or name.startswith((".", "_")) or "/" in name or "\\" in name or ".." in name:
        raise ConfigError(
            f"{where}: cần một tên thư mục đơn giản (không có /, không bắt đầu bằng . hay _), "
            f"nhận được {name!r}"
        )


def load_settings(path: Path, env: dict[str, str] | None = None) -> Settings:
    """Load config.yaml (engine sections and ``bot:``) and the token from the environment."""
    env = dict(os.environ) if env is None else env
    load_index_settings(path)  # refuses unknown top-level keys with the list of valid ones
    data = read_config(path)
    base = path.resolve().parent
    token = (env.get(TOKEN_ENV) or "").strip() or None
    index = index_settings(data, base)
    return Settings(
        index=index,
        bot=bot_settings(data.get("bot"), base, env),
        config_path=path.resolve(),
        access=access_settings(data.get("access"), index.documents_dir),
        token=token,
    )
