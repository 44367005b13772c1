"""Collections and access in the engine: a reader never gets what it may not read, and still
gets k results; the ``access:`` settings refuse what they cannot honour."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.access import EVERYTHING, Access, AccessSettings, Grant, access_settings
from index.builder import build_index
from index.embedders import FakeEmbedder
from index.engine import Engine
from index.settings import ConfigError, RetrievalSettings
from index.vectors import VectorIndex
from tests.access_corpus import (
    INTERNAL_DECISION,
    INTERNAL_FILES,
    INTERNAL_NUMBER,
    QUESTION,
    REPLACED_NUMBER,
    write_access_corpus,
)
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = Access(denied=frozenset({"noi-bo"}))
EMBEDDER = FakeEmbedder(dim=64)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The access corpus, hybrid (fake vectors), built once."""
    root = tmp_path_factory.mktemp("access")
    settings = make_settings(root, write_access_corpus(root / "docs"))
    build_index(settings, embedder=EMBEDDER)
    return Engine.open(settings, embedder=EMBEDDER)


def _internal(doc_id: str) -> bool:
    return doc_id.startswith("noi-bo/")


def test_documents_carry_their_collection(engine: Engine) -> None:
    collections = {d.doc_id: d.collection for d in engine.documents()}
    assert collections["cong-khai/nd-182-2026.md"] == "cong-khai"
    assert collections["noi-bo/kh-15.md"] == "noi-bo"


def test_the_question_matching_an_internal_passage_best(engine: Engine) -> None:
    everyone = engine.answer(QUESTION)
    assert everyone.passages[0].doc.doc_id == "noi-bo/kh-15.md", "the manager's answer"
    restricted = engine.answer(QUESTION, access=PUBLIC)
    shown = [*restricted.passages, *restricted.result.hits]
    assert shown and not any(_internal(h.doc.doc_id) for h in shown)
    for mode in ("bm25", "dense", "hybrid"):
        hits = engine.search(QUESTION, k=5, mode=mode, access=PUBLIC).hits
        assert hits and not any(_internal(h.doc.doc_id) for h in hits), mode


def test_a_question_naming_an_internal_number_is_unknown_to_a_teacher(engine: Engine) -> None:
    named = f"Kế hoạch {INTERNAL_NUMBER} quy định gì?"
    assert engine.answer(named).passages[0].doc.number == INTERNAL_NUMBER
    teacher = engine.answer(named, access=PUBLIC)
    assert teacher.abstained and teacher.reason == "unknown_number"
    assert not any(_internal(h.doc.doc_id) for h in teacher.result.hits)


def test_passage_article_and_chunks_of_an_internal_document_are_none(engine: Engine) -> None:
    doc_id = "noi-bo/kh-15.md"
    chunk = engine.chunks(doc_id)[0]
    assert engine.passage(chunk.chunk_id) is not None
    assert engine.passage(chunk.chunk_id, access=PUBLIC) is None
    assert engine.passage(10**9, access=PUBLIC) is None, "the same reply as an unknown id"
    assert engine.chunk(chunk.chunk_id, access=PUBLIC) is None
    assert engine.chunks(doc_id, access=PUBLIC) == []
    assert engine.article_text(chunk, access=PUBLIC) == ""
    assert engine.document(doc_id, access=PUBLIC) is None
    assert engine.document(doc_id) is not None


def test_lists_lookups_and_citations_leave_internal_documents_out(engine: Engine) -> None:
    assert {d.doc_id for d in engine.documents()} >= set(INTERNAL_FILES)
    listed = {d.doc_id for d in engine.documents(PUBLIC)}
    assert listed and not any(_internal(d) for d in listed)
    # The public decree is not hidden behind its longer internal copy (copies collapse
    # only inside a collection) and names no copy.
    public_182 = engine.find_by_number("182/2026/NĐ-CP", PUBLIC)
    assert [d.doc_id for d in public_182] == ["cong-khai/nd-182-2026.md"]
    assert not public_182[0].copies
    assert engine.find_by_number(INTERNAL_NUMBER) and not engine.find_by_number(
        INTERNAL_NUMBER, PUBLIC
    )
    assert not engine.find_by_number("kh-15", PUBLIC), "file-name fallback too"
    citing = engine.cited_by("cong-khai/nd-182-2026.md")
    assert "noi-bo/kh-15.md" in {d.doc_id for d in citing}
    assert not any(_internal(d.doc_id) for d in engine.cited_by("cong-khai/nd-182-2026.md", PUBLIC))
    assert not engine.citing(REPLACED_NUMBER, PUBLIC) or not any(
        _internal(d.doc_id) for d in engine.citing(REPLACED_NUMBER, PUBLIC)
    )
    assert {d.doc_id for d in engine.citing(REPLACED_NUMBER)} & set(INTERNAL_FILES)


def test_a_replacement_is_told_only_to_readers_of_the_replacing_document(engine: Engine) -> None:
    question = "định mức công tác phí của giáo viên đi công tác ngoài tỉnh"
    manager = [h for h in engine.search(question, k=5).hits if h.doc.number == REPLACED_NUMBER]
    assert manager[0].superseded_by == INTERNAL_DECISION
    teacher = [
        h
        for h in engine.search(question, k=5, access=PUBLIC).hits
        if h.doc.number == REPLACED_NUMBER
    ]
    assert teacher and teacher[0].superseded_by is None
    chunk_id = teacher[0].chunk.chunk_id
    assert engine.passage(chunk_id, access=PUBLIC).superseded_by is None
    assert engine.passage(chunk_id).superseded_by == INTERNAL_DECISION


def test_restricted_reader_still_gets_k_results(tmp_path: Path) -> None:
    """Twelve internal passages outrank every public one and fill the candidate pool: a filter
    after the top candidates would leave the public reader nothing."""
    docs = tmp_path / "docs"
    (docs / "noi-bo").mkdir(parents=True)
    (docs / "cong-khai").mkdir()
    for n in range(12):
        (docs / "noi-bo" / f"thuong-{n}.md").write_text(
            f"# Thưởng Tết đợt {n}\n\nThưởng Tết cho giáo viên năm {2000 + n}: thưởng Tết "
            f"giáo viên mức {n} triệu đồng, thưởng Tết chi trước ngày {n + 1} tháng Chạp.\n",
            encoding="utf-8",
        )
    for n in range(4):
        (docs / "cong-khai" / f"le-{n}.md").write_text(
            f"# Lịch nghỉ lễ {n}\n\nGiáo viên được nghỉ Tết Nguyên đán theo lịch số {n} của "
            f"Bộ, trường bố trí trực trong những ngày nghỉ năm {2010 + n}.\n",
            encoding="utf-8",
        )
    settings = make_settings(tmp_path, docs)
    settings = replace(settings, retrieval=RetrievalSettings(candidates=4, learned_ranker=False))
    build_index(settings, embedder=EMBEDDER)
    engine = Engine.open(settings, embedder=EMBEDDER)
    question = "thưởng Tết giáo viên"
    for mode in ("bm25", "dense", "hybrid"):
        everyone = engine.search(question, k=3, mode=mode).hits
        assert all(_internal(h.doc.doc_id) for h in everyone), mode
        hits = engine.search(question, k=3, mode=mode, access=PUBLIC).hits
        assert len(hits) == 3, mode
        assert all(h.doc.collection == "cong-khai" for h in hits), mode


def test_approximate_index_filters_inside_faiss() -> None:
    """IVF with an id filter: k results from a 5% share, all of them readable."""
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(4000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(4000, dtype=np.int64) * 3  # chunk ids need not be dense
    index = VectorIndex.build(vectors, ids, approximate_above=100, nprobe=2)
    assert index.approximate
    readable = ids[::20]
    only = VectorIndex.selector(readable)
    scores, found = index.search(vectors[7], 10, only)
    assert len(found) == 10 and set(found.tolist()) <= set(readable.tolist())
    assert list(scores) == sorted(scores, reverse=True)
    _, nothing = index.search(vectors[7], 10, VectorIndex.selector(np.zeros(0, np.int64)))
    assert len(nothing) == 0


# ----------------------------------------------------------------------------- settings
def test_reader_in_a_group_gets_the_group_grants_only() -> None:
    settings = AccessSettings(restricted={"noi-bo": Grant(chats=(-500,), users=(43,))})
    manager_private = settings.reader(43, 43, private=True)
    assert manager_private.allows("noi-bo") and manager_private.allows("cong-khai")
    manager_in_school_group = settings.reader(-100, 43, private=False)
    assert not manager_in_school_group.allows("noi-bo"), "the whole group would see it"
    assert settings.reader(-500, 7, private=False).allows("noi-bo"), "a granted group"
    assert not settings.reader(7, 7, private=True).allows("noi-bo")
    assert settings.reader(42, 42, private=True, admin=True) == EVERYTHING
    assert not settings.reader(-100, 42, private=False, admin=True).allows("noi-bo")
    assert settings.reader(7, 7, private=True).allows("a-new-folder"), "public by default"


def test_an_explicit_public_list_closes_unlisted_collections() -> None:
    settings = AccessSettings(public=("cong-khai",), restricted={"noi-bo": Grant(users=(43,))})
    teacher = settings.reader(7, 7, private=True)
    assert teacher.allows("cong-khai") and teacher.allows("")
    assert not teacher.allows("noi-bo") and not teacher.allows("unlisted")
    assert settings.reader(43, 43, private=True).allows("noi-bo")
    assert settings.summary() == "restricted: noi-bo (0 chats, 1 users); public: cong-khai"


def test_access_settings_are_checked_against_the_folders(tmp_path: Path) -> None:
    docs = write_access_corpus(tmp_path / "docs")
    read = access_settings(
        {"public": ["cong-khai"], "restricted": {"noi-bo": {"chats": [-5], "users": [1]}}}, docs
    )
    assert read.restricted["noi-bo"] == Grant(chats=(-5,), users=(1,))
    assert access_settings(None, docs) == AccessSettings()
    with pytest.raises(ConfigError, match="access.restricted: không có bộ sưu tập 'noi_bo'"):
        access_settings({"restricted": {"noi_bo": {"users": [1]}}}, docs)
    with pytest.raises(ConfigError, match="cong-khai, noi-bo"):
        access_settings({"public": ["cong_khai"]}, docs)
    with pytest.raises(ConfigError, match="access.restricted.noi-bo.members"):
        access_settings({"restricted": {"noi-bo": {"members": [1]}}}, docs)
    with pytest.raises(ConfigError, match="access.restricted.noi-bo.users"):
        access_settings({"restricted": {"noi-bo": {"users": ["hai"]}}}, docs)
    with pytest.raises(ConfigError, match="vừa ở public vừa ở restricted"):
        access_settings({"public": ["noi-bo"], "restricted": {"noi-bo": {}}}, docs)
    with pytest.raises(ConfigError, match="access.private"):
        access_settings({"private": ["noi-bo"]}, docs)


def test_ask_script_answers_as_a_reader_of_some_collections(tmp_path: Path) -> None:
    docs = write_access_corpus(tmp_path / "docs")
    settings = make_settings(tmp_path, docs)
    build_index(settings)
    config = tmp_path / "config.yaml"
    config.write_text("embedding:\n  backend: none\n", encoding="utf-8")
    base = [sys.executable, "scripts/ask.py", "--config", str(config), "--index",
            str(settings.index_dir), "--docs", str(docs), "--json", QUESTION]  # fmt: skip

    def top_docs(*extra: str) -> set[str]:
        done = subprocess.run(
            [*base, *extra], capture_output=True, text=True, cwd=ROOT, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return {hit["doc_id"] for hit in json.loads(done.stdout)["hits"]}

    assert "noi-bo/kh-15.md" in top_docs()
    public = top_docs("--collections", "cong-khai")
    assert public and not any(_internal(d) for d in public)


def test_config_yaml_access_section_is_read_and_checked_at_start(tmp_path: Path) -> None:
    from bot.settings import load_settings

    docs = write_access_corpus(tmp_path / "docs")
    config = tmp_path / "config.yaml"
    section = "access:\n  restricted:\n    {name}: {{chats: [-100500], users: [43]}}\n"
    config.write_text(f"documents_dir: {docs}\n" + section.format(name="noi-bo"), "utf-8")
    access = load_settings(config, env={}).access
    assert access.reader(-100500, 7, private=False).allows("noi-bo")
    assert not access.reader(-100777, 43, private=False).allows("noi-bo")
    config.write_text(f"documents_dir: {docs}\n" + section.format(name="noi_bo"), "utf-8")
    with pytest.raises(ConfigError, match="'noi_bo'.*cong-khai, noi-bo"):
        load_settings(config, env={})
