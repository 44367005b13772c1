"""Retrieval engine: documents folder -> ranked, cited Vietnamese passages (no Telegram here)."""
