"""Word 97-2003 ``.doc`` files, read with antiword (tables as "| a | b |" lines), else catdoc.

Both are Debian packages (``antiword``, ``catdoc``). antiword keeps table rows on one line and
writes UTF-8; catdoc is the fallback for files antiword refuses (Word 6/95, fast-saved files).
Text typed in legacy fonts (.VnTime, VNI-Times) comes out as Latin-1 mojibake and is converted
by :func:`index.vnfonts.fix_text`, which the loader applies to every text.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

from index.errors import IngestError

logger = logging.getLogger(__name__)

TIMEOUT_S = 60
_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")


def tools() -> list[str]:
    """The .doc readers installed here, best first."""
    return [name for name in ("antiword", "catdoc") if shutil.which(name)]


def _run(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        logger.warning("%s failed", command[0], exc_info=True)
        return None
    if done.returncode != 0 or not done.stdout.strip():
        logger.info("%s: %s", command[0], done.stderr.decode("utf-8", "replace").strip()[:200])
        return None
    return done.stdout.decode("utf-8", errors="replace")


def _table_lines(text: str) -> str:
    """antiword draws table rows as "|cell   |cell   |": one "cell | cell" line per row."""
    out = []
    for line in text.split("\n"):
        m = _TABLE_ROW.match(line)
        if m:
            cells = [" ".join(c.split()) for c in m.group(1).split("|")]
            line = " | ".join(c for c in cells if c)
        out.append(line)
    return "\n".join(out)


def read_doc(path: Path) -> tuple[str, dict[str, str]]:
    """Text of a Word 97-2003 document, tables as one line per row.

    Raises:
        IngestError: no reader installed, or a file no reader understands.
    """
    available = tools()
    if not available:
        raise IngestError("tệp .doc cần antiword hoặc catdoc trên máy chủ: hãy lưu lại thành .docx")
    for tool in available:
        if tool == "antiword":
            # -w 0: one line per paragraph; -m UTF-8.txt: Unicode output.
            text = _run(["antiword", "-w", "0", "-m", "UTF-8.txt", str(path)])
            if text is not None:
                return _table_lines(text), {}
        else:
            text = _run(["catdoc", "-d", "utf-8", "-w", str(path)])
            if text is not None:
                return text.replace("\t", " | "), {}
    raise IngestError("tệp .doc hỏng hoặc không đọc được")
