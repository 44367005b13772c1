"""Bounded inputs: archive bombs refused before parsing, a per-file time limit in the build."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest

from index import safety
from index.builder import build_index
from index.loaders import IngestError, load_file
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPH = b"<w:p><w:r><w:t>Gi\xc3\xa1o vi\xc3\xaan</w:t></w:r></w:p>" * 30000


def make_docx(path: Path, text: str = "Điều 1. Giáo viên được nghỉ hè tám tuần.") -> Path:
    """A small valid DOCX."""
    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def make_bomb(path: Path, inflated_mb: int) -> Path:
    """A valid-looking DOCX whose word/document.xml inflates to ``inflated_mb`` MB."""
    small = make_docx(path.with_suffix(".small.docx"))
    with (
        zipfile.ZipFile(small) as src,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in src.infolist():
            if info.filename == "word/document.xml":
                continue
            out.writestr(info, src.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(
                b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            )
            written = 0
            while written < inflated_mb * 1048576:
                stream.write(PARAGRAPH)
                written += len(PARAGRAPH)
            stream.write(b"</w:body></w:document>")
    small.unlink()
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 7 MB DOCX inflating to 1.1 GB (like the one that took the bot to 3.9 GB RSS)."""
    return make_bomb(tmp_path_factory.mktemp("bomb") / "bom.docx", 1100)


PROBE = """
import json, resource, sys, time
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a runaway parser fails here
from index.loaders import IngestError, load_file
import docx, lxml.etree  # noqa: F401 - imported before measuring

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
before, started = hwm(), time.perf_counter()
try:
    load_file(Path(sys.argv[1]), max_bytes=20 << 20)
    reason = None
except IngestError as exc:
    reason = str(exc)
except MemoryError:
    reason = "MemoryError"
print(json.dumps({"seconds": time.perf_counter() - started, "growth": hwm() - before,
                  "reason": reason}))
"""


def probe(path: Path) -> dict:
    """Load a file in a fresh process; its time, peak memory growth and refusal reason."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout)


def test_zip_bomb_docx_is_refused_fast_with_little_memory(bomb: Path) -> None:
    found = probe(bomb)
    assert found["reason"] is not None and "bom nén" in found["reason"], found
    assert found["seconds"] < 2.0, found
    assert found["growth"] < 100 * 1048576, found


def test_zip_bomb_within_size_but_over_ratio_is_refused(tmp_path: Path) -> None:
    """0.6 MB inflating to 60 MB: under the size limit, refused by its compression ratio."""
    small_bomb = make_bomb(tmp_path / "bom-nho.docx", 60)
    with pytest.raises(IngestError, match="bom nén"):
        load_file(small_bomb)


def test_archive_lying_about_its_sizes_is_refused(tmp_path: Path) -> None:
    """Central directory says 1 KB; the data inflates to 200 MB: refused, never parsed."""
    liar = make_bomb(tmp_path / "noi-doi.docx", 200)
    data = bytearray(liar.read_bytes())
    name = b"word/document.xml"
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", data, at + 24, 1024)  # central directory: uncompressed size
    liar.write_bytes(bytes(data))
    started = time.perf_counter()
    with pytest.raises(IngestError):
        load_file(liar)
    assert time.perf_counter() - started < 2.0


def test_normal_docx_still_loads(tmp_path: Path) -> None:
    assert "tám tuần" in load_file(make_docx(tmp_path / "ok.docx")).text


def test_zip_bomb_in_documents_is_reported_by_reindex(tmp_path: Path, corpus: Path) -> None:
    make_bomb(corpus / "bom.docx", 300)
    started = time.perf_counter()
    report = build_index(make_settings(tmp_path, corpus))
    reasons = dict(report.failed)
    assert "bom nén" in reasons["bom.docx"]
    assert report.documents == 5 and time.perf_counter() - started < 30


def hang(path: str, *args: object) -> object:
    """Worker target for the time-limit test: one file never finishes reading."""
    if path.endswith("treo.txt"):
        time.sleep(600)
    return safety._load_in_worker(path, *args)  # type: ignore[arg-type]


def test_loader_running_too_long_is_skipped_and_the_build_goes_on(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (corpus / "treo.txt").write_text("Tệp này đọc mãi không xong.", encoding="utf-8")
    monkeypatch.setattr(safety, "LOAD_TIMEOUT_S", 3.0)
    monkeypatch.setattr(safety, "_load_in_worker", hang)
    started = time.perf_counter()
    report = build_index(make_settings(tmp_path, corpus))
    assert "quá 3 giây" in dict(report.failed)["treo.txt"]
    assert report.documents == 5, "the files after it are still read"
    assert time.perf_counter() - started < 20
