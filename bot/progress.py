"""Build progress in a terminal: one tqdm bar per stage (console chat and scripts/reindex.py)."""

from __future__ import annotations

from typing import Any

from bot import messages


class TqdmProgress:
    """Build progress as one tqdm bar per stage (on stderr)."""

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None or done < bar.n:  # a new round of the stage (the next scan's pages)
            label = messages.STAGES.get(stage, stage)
            unit = {"load": "tệp", "embed": "đoạn", "prepare": "đoạn"}.get(stage, "")
            bar = self._bars[stage] = tqdm(total=total, desc=label, unit=unit, leave=True)
        bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    def close(self) -> None:
        """Close any bar still open."""
        for bar in self._bars.values():
            bar.close()
