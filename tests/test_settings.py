"""config.yaml: every documented setting can be set, bad values are refused with key and range."""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any

import pytest

from bot.settings import BotSettings, RateLimitSettings, load_settings
from index.settings import (
    ChunkingSettings,
    ConfigError,
    EmbeddingSettings,
    IndexSettings,
    RetrievalSettings,
    load_index_settings,
)

# (YAML, path of the attribute in Settings, expected value): one per documented setting.
DOCUMENTED = [
    ("documents_dir: van-ban", "index.documents_dir", "van-ban"),
    ("index_dir: chi-muc", "index.index_dir", "chi-muc"),
    ("max_file_mb: 5", "index.max_file_mb", 5.0),
    ("embedding:\n  backend: none", "index.embedding.backend", "none"),
    ("embedding:\n  model: bge-m3", "index.embedding.model", "bge-m3"),
    ("embedding:\n  max_tokens: 512", "index.embedding.max_tokens", 512),
    ("chunking:\n  max_syllables: 200", "index.chunking.max_syllables", 200),
    ("chunking:\n  overlap_syllables: 10", "index.chunking.overlap_syllables", 10),
    ("retrieval:\n  mode: bm25", "index.retrieval.mode", "bm25"),
    ("retrieval:\n  top_k: 3", "index.retrieval.top_k", 3),
    ("retrieval:\n  bm25_weight: 0.7", "index.retrieval.bm25_weight", 0.7),
    ("retrieval:\n  dense_weight: 0.6", "index.retrieval.dense_weight", 0.6),
    ("retrieval:\n  abstain_threshold: 0.3", "index.retrieval.abstain_threshold", 0.3),
    ("retrieval:\n  min_dense_similarity: 0.8", "index.retrieval.min_dense_similarity", 0.8),
    ("retrieval:\n  learned_ranker: false", "index.retrieval.learned_ranker", False),
    ("bot:\n  admin_ids: [1, 2]", "bot.admin_ids", (1, 2)),
    ("bot:\n  manager_ids: [3]", "bot.manager_ids", (3,)),
    ("bot:\n  allowed_chats: [-100123]", "bot.allowed_chats", (-100123,)),
    ("bot:\n  admin_chat_id: -999", "bot.admin_chat_id", -999),
    ("bot:\n  max_question_chars: 500", "bot.max_question_chars", 500),
    ("bot:\n  max_upload_mb: 10", "bot.max_upload_mb", 10.0),
    ("bot:\n  answer_passages: 2", "bot.answer_passages", 2),
    ("bot:\n  passage_chars: 900", "bot.passage_chars", 900),
    ("bot:\n  journal_retention_days: 90", "bot.journal_retention_days", 90),
    ("bot:\n  uploads_dir: tai-len", "bot.uploads_dir", "tai-len"),
    ("bot:\n  list_page_size: 20", "bot.list_page_size", 20),
    ("bot:\n  webhook_url: https://bot.example.vn/hook", "bot.webhook_url", "https://bot.example.vn/hook"),
    ("bot:\n  webhook_secret_env: MY_SECRET", "bot.webhook_secret_env", "MY_SECRET"),
    ("bot:\n  webhook_listen: 127.0.0.1", "bot.webhook_listen", "127.0.0.1"),
    ("bot:\n  webhook_port: 8080", "bot.webhook_port", 8080),
    ("bot:\n  base_url: http://127.0.0.1:8081/bot", "bot.base_url", "http://127.0.0.1:8081/bot"),
    ("bot:\n  rate_limit:\n    enabled: false", "bot.rate_limit.enabled", False),
    ("bot:\n  rate_limit:\n    overall_per_second: 25", "bot.rate_limit.overall_per_second", 25.0),
    ("bot:\n  rate_limit:\n    group_per_minute: 15", "bot.rate_limit.group_per_minute", 15.0),
    ("bot:\n  rate_limit:\n    max_retries: 0", "bot.rate_limit.max_retries", 0),
]  # fmt: skip


def _load(tmp_path: Path, text: str) -> Any:
    config = tmp_path / "config.yaml"
    config.write_text(text + "\n", encoding="utf-8")
    return load_settings(config, env={})


def _get(settings: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        settings = getattr(settings, part)
    return settings


@pytest.mark.parametrize("text, path, expected", DOCUMENTED, ids=[d[1] for d in DOCUMENTED])
def test_each_documented_setting_can_be_set_from_yaml(
    tmp_path: Path, text: str, path: str, expected: Any
) -> None:
    value = _get(_load(tmp_path, text), path)
    if isinstance(value, Path):
        assert value == (tmp_path / expected).resolve()
    else:
        assert value == expected and type(value) is type(expected)


def _sample(hint: Any, default: Any) -> Any:
    """A YAML value of the annotated type that differs from the default."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if hint is bool:
        return not default
    if hint is int:
        return 512 if default is None else default + 1
    if hint is float:
        return 0.5 if default is None else round(default * 0.9, 3)
    if typing.get_origin(hint) is tuple:
        return [5, 6]
    return "khac"


@pytest.mark.parametrize(
    "cls, section",
    [
        (EmbeddingSettings, "embedding"),
        (ChunkingSettings, "chunking"),
        (RetrievalSettings, "retrieval"),
        (RateLimitSettings, "bot.rate_limit"),
        (BotSettings, "bot"),
    ],
)
def test_every_field_is_settable_from_its_annotation(cls: type, section: str) -> None:
    """No field is typed by its default (a None default no longer means "text")."""
    from index.settings import build_dataclass

    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if dataclasses.is_dataclass(hints[field.name]) or field.name in ("mode", "backend"):
            continue
        value = _sample(hints[field.name], getattr(cls(), field.name))
        built = build_dataclass(cls, {field.name: value}, section)
        expected = tuple(value) if isinstance(value, list) else value
        assert getattr(built, field.name) in (expected, Path(str(expected)))


REFUSED = [
    ("retrieval:\n  top_k: 3.7", "retrieval.top_k: cần một số nguyên, nhận được 3.7"),
    ("retrieval:\n  top_k: 0", "retrieval.top_k: 0 nằm ngoài khoảng cho phép (từ 1 đến 100)"),
    ("retrieval:\n  abstain_threshold: 1.5", "retrieval.abstain_threshold: 1.5 nằm ngoài khoảng cho phép"),
    ("retrieval:\n  min_dense_similarity: fast", "retrieval.min_dense_similarity: cần một số"),
    ("embedding:\n  max_tokens: '512'", "embedding.max_tokens: cần một số, nhận được '512'"),
    ("max_file_mb: 0", "max_file_mb: 0 nằm ngoài khoảng cho phép (lớn hơn 0)"),
    ("bot:\n  rate_limit:\n    overall_per_second: -5", "bot.rate_limit.overall_per_second: -5"),
    ("bot:\n  rate_limit:\n    max_retries: -1", "bot.rate_limit.max_retries: -1 nằm ngoài khoảng"),
    ("bot:\n  rate_limit:\n    group_per_minute: 0", "bot.rate_limit.group_per_minute: 0 nằm ngoài"),
    ("bot:\n  max_question_chars: nhiều", "bot.max_question_chars: cần một số, nhận được 'nhiều'"),
    ("bot:\n  answer_passages: 0", "bot.answer_passages: 0 nằm ngoài khoảng cho phép (từ 1 đến 10)"),
    ("bot:\n  webhook_port: 70000", "bot.webhook_port: 70000 nằm ngoài khoảng"),
    ("bot:\n  journal_retention_days: -1", "bot.journal_retention_days: -1 nằm ngoài khoảng"),
    ("retrieval:\n  topk: 3", "retrieval.topk: không có thiết lập này; các khoá hợp lệ:"),
]  # fmt: skip


@pytest.mark.parametrize("text, message", REFUSED, ids=[r[1].split(":")[0] for r in REFUSED])
def test_bad_values_are_refused_naming_key_value_and_range(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert message in str(caught.value)


def test_index_settings_keep_their_shape(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("retrieval:\n  top_k: 4\n", encoding="utf-8")
    settings = load_index_settings(config)
    moved = settings.with_dirs(index_dir=tmp_path / "other")
    assert moved.retrieval.top_k == 4 and moved.index_dir == tmp_path / "other"
    assert dataclasses.replace(settings, max_file_mb=3.0).max_file_mb == 3.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.max_file_mb = 1.0  # type: ignore[misc]
    assert IndexSettings().retrieval.learned_ranker is True
