"""Keep secrets (the bot token, the webhook secret) out of every log line and error message.

python-telegram-bot puts the token in the URL of every request (httpx logs it at INFO) and in
the text of :class:`telegram.error.InvalidToken`; a filter on the root handlers replaces it
before anything is written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

MASK = "<token>"


class SecretFilter(logging.Filter):
    """Replace secrets in a record's message and traceback (the record is changed in place)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = set()
        for secret in secrets:
            if secret and len(secret) >= 8:
                forms.update({secret, quote(secret, safe=""), quote(secret)})
        self.secrets = sorted(forms, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """Text with every secret masked."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask secrets in the formatted message and in the exception text; keep the record."""
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(secrets: Iterable[str | None]) -> SecretFilter:
    """Add a :class:`SecretFilter` to every handler of the root logger (after basicConfig)."""
    secret_filter = SecretFilter(s for s in secrets if s)
    for handler in logging.getLogger().handlers:
        handler.addFilter(secret_filter)
    return secret_filter
