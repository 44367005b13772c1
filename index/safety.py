"""Bounded inputs: refuse archive bombs before parsing, and time-limit a loader in a child process.

A DOCX (and any other ZIP-based container a loader may open) is checked before a parser sees
it: the members' declared inflated sizes and compression ratios, then their actual inflated
sizes, read in small pieces and stopped at the limit, so a bomb is refused in well under a
second without ever holding the inflated data in memory.

:class:`BoundedLoader` runs :func:`index.loaders.load_file` in a worker process and gives up
on a file after a time limit (a pathological PDF), killing the worker so the build goes on.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.models import Extracted
    from index.ocr import OcrOptions

logger = logging.getLogger(__name__)

MAX_INFLATED_BYTES = 100 * 1024 * 1024
"""Largest total inflated size of an archive's members."""
MAX_RATIO = 100
"""Largest inflated/compressed ratio of a member (and of the whole archive) above 1 MB."""
RATIO_FLOOR_BYTES = 1024 * 1024
"""Members smaller than this are not ratio-checked (tiny XML parts compress very well)."""
MAX_MEMBERS = 10_000
LOAD_TIMEOUT_S = 300.0
"""Per-file limit for reading one document during a build (OCR of a long scan included)."""

_READ_PIECE = 1024 * 1024


class ArchiveRefused(ValueError):
    """An archive is too large or too compressed to open; ``str()`` is a Vietnamese reason."""


def _mb(n: float) -> str:
    return f"{n / 1048576:.0f} MB"


def check_archive(path: Path) -> None:
    """Refuse a ZIP container whose inflated content is too large or suspiciously compressed.

    Files that are not ZIP archives pass untouched.

    Raises:
        ArchiveRefused: declared or actual inflated size over :data:`MAX_INFLATED_BYTES`, a
            compression ratio over :data:`MAX_RATIO`, too many members, or a broken archive.
    """
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                return
    except OSError:
        return  # the loader reports unreadable files itself
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_declared(members, Path(path).stat().st_size)
            _check_actual(archive, members)
    except ArchiveRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ArchiveRefused("tệp nén hỏng hoặc không đọc được") from exc
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encrypted
        raise ArchiveRefused("tệp nén dùng kiểu nén hoặc mã hoá không hỗ trợ") from exc


def _bomb(inflated: int) -> ArchiveRefused:
    return ArchiveRefused(
        f"tệp nén bất thường (giải nén ra hơn {_mb(inflated)}, tối đa "
        f"{_mb(MAX_INFLATED_BYTES)}): có thể là “bom nén”, không mở"
    )


def _check_declared(members: list[zipfile.ZipInfo], archive_size: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise ArchiveRefused(f"tệp nén có quá nhiều thành phần ({len(members)})")
    total = sum(m.file_size for m in members)
    if total > MAX_INFLATED_BYTES:
        raise _bomb(total)
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > MAX_RATIO:
                raise ArchiveRefused(
                    f"tệp nén bất thường ({member.filename} nén {ratio:.0f} lần, tối đa "
                    f"{MAX_RATIO}): có thể là “bom nén”, không mở"
                )
    if total > RATIO_FLOOR_BYTES and total / max(archive_size, 1) > MAX_RATIO:
        raise _bomb(total)


def _check_actual(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Inflate every member in small pieces, stopping at the limits (sizes can lie)."""
    total = 0
    for member in members:
        if member.is_dir():
            continue
        size = 0
        with archive.open(member) as stream:
            while piece := stream.read(_READ_PIECE):
                size += len(piece)
                total += len(piece)
                if size > member.file_size or total > MAX_INFLATED_BYTES:
                    raise _bomb(total)


# --- time limit ------------------------------------------------------------------------------


def _load_in_worker(path: str, max_bytes: int | None, ocr: OcrOptions | None = None) -> Extracted:
    from index.loaders import load_file

    return load_file(Path(path), max_bytes=max_bytes, ocr=ocr)


def _serve() -> None:
    """Worker loop: read (target, args) requests on stdin, answer pickled results."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library printing to stdout must not corrupt the answers
    source = sys.stdin.buffer
    while header := source.read(8):
        target, args = pickle.loads(source.read(struct.unpack("<Q", header)[0]))
        try:
            answer: tuple[str, Any] = ("ok", target(*args))
        except BaseException as exc:  # sent back to the parent, which raises it
            answer = ("error", exc)
        try:
            data = pickle.dumps(answer)
        except Exception:
            data = pickle.dumps(("error", RuntimeError(repr(answer[1])[:500])))
        out.write(struct.pack("<Q", len(data)) + data)
        out.flush()


class BoundedLoader:
    """Load files in one reusable worker process, each within ``timeout`` seconds.

    The worker (a fresh interpreter, so it shares no locks or threads with a busy parent) is
    started on first use and killed and replaced when a file runs over its time.

        with BoundedLoader() as loader:
            extracted = loader.load(path, max_bytes)
    """

    def __init__(self, timeout: float | None = None, target: Any = None) -> None:
        self.timeout = LOAD_TIMEOUT_S if timeout is None else timeout
        self._target = _load_in_worker if target is None else target
        self._proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            paths = [p for p in sys.path if p and Path(p).is_dir()]
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
            self._proc = subprocess.Popen(
                [sys.executable, "-c", "from index.safety import _serve; _serve()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
        return self._proc

    def load(
        self, path: Path, max_bytes: int | None = None, *, ocr: OcrOptions | None = None
    ) -> Extracted:
        """Read one file in the worker (``ocr`` must be picklable: no progress callback).

        Raises:
            IngestError: what the loader raises, or "quá ... giây" after the time limit.
        """
        from index.loaders import IngestError

        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        request = pickle.dumps((self._target, (str(path), max_bytes, ocr)))
        try:
            proc.stdin.write(struct.pack("<Q", len(request)) + request)
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], self.timeout)
            if not ready:
                logger.warning("reading %s took over %.0f s: skipped", path, self.timeout)
                self.close()
                raise IngestError(f"đọc tệp quá {self.timeout:g} giây (tệp bất thường?), đã bỏ qua")
            header = proc.stdout.read(8)
            if len(header) < 8:
                raise EOFError("worker died")
            kind, value = pickle.loads(proc.stdout.read(struct.unpack("<Q", header)[0]))
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            self.close()
            raise IngestError("lỗi khi đọc tệp (tiến trình đọc tệp dừng đột ngột)") from exc
        if kind == "error":
            raise value
        return value

    def close(self) -> None:
        """Stop the worker (killed at once: it may be stuck in C code)."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None:
                    stream.close()
            self._proc = None

    def __enter__(self) -> BoundedLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
