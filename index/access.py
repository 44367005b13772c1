"""Who may read what: collections of documents and the readers allowed to see them.

Documents live in collections, the top-level folders of ``documents/`` (``van-ban/``,
``noi-bo/``, ``truong-thpt-a/``); files directly in ``documents/`` form the default collection,
which is always public. The ``access:`` section of config.yaml restricts collections to chats
and users::

    access:
      public: [van-ban, tin-tuc]      # optional; default: every collection not restricted
      restricted:
        noi-bo: {chats: [-1001234], users: [111, 222]}

An :class:`Access` is what one reader may read; every engine call that shows content takes
one and filters candidates before ranking (see :class:`Readable`), so a restricted reader
still gets ``k`` results. :meth:`AccessSettings.reader` decides a reader's access from the
chat the answer goes to (see its docstring for groups).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.models import collection_of
from index.settings import ConfigError, build_dataclass

__all__ = ["EVERYTHING", "Access", "AccessSettings", "Grant", "Readable", "collection_of"]

DEFAULT_COLLECTION = ""
"""The collection of files placed directly in ``documents/`` (always public)."""


@dataclass(frozen=True)
class Access:
    """The collections one reader may read.

    ``allowed`` None means every collection except ``denied``; otherwise only ``allowed``
    (the default collection always included). ``Access()`` reads everything.
    """

    allowed: frozenset[str] | None = None
    denied: frozenset[str] = frozenset()

    @classmethod
    def only(cls, collections: Iterable[str]) -> Access:
        """Access to these collections (and the default one) only."""
        return cls(allowed=frozenset(collections) | {DEFAULT_COLLECTION})

    @property
    def everything(self) -> bool:
        """True when nothing is hidden from this reader."""
        return self.allowed is None and not self.denied

    def allows(self, collection: str) -> bool:
        """True when the reader may read this collection."""
        if collection in self.denied:
            return False
        return self.allowed is None or collection in self.allowed

    def reads(self, doc_id: str) -> bool:
        """True when the reader may read this document."""
        return self.everything or self.allows(collection_of(doc_id))


EVERYTHING = Access()


@dataclass
class Readable:
    """What one access may read in one loaded build, computed once and cached on it.

    Attributes:
        positions: One flag per passage position (True = readable): the mask applied to BM25
            scores before the top candidates are taken.
        docs: Readable doc_ids.
        chunk_ids: Readable chunk ids (for the dense index's id selector).
        share: Readable share of the passages (0..1).
        selector: The vector index's id filter for these chunk ids (set by the engine).
    """

    positions: np.ndarray
    docs: frozenset[str]
    chunk_ids: np.ndarray
    share: float
    selector: Any = None


def readable(
    access: Access, doc_ids: Iterable[str], by_doc: dict[str, list[int]], chunk_ids: np.ndarray
) -> Readable:
    """The readable documents and passage positions of a build for one access.

    Args:
        access: The reader's access.
        doc_ids: Every document of the build.
        by_doc: Positions of each document's passages.
        chunk_ids: The chunk id at each position.
    """
    docs = frozenset(d for d in doc_ids if access.reads(d))
    mask = np.zeros(len(chunk_ids), dtype=bool)
    for doc_id in docs:
        mask[by_doc.get(doc_id, [])] = True
    share = float(mask.mean()) if len(mask) else 1.0
    return Readable(mask, docs, chunk_ids[mask], share)


# ---------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class Grant:
    """Who may read a restricted collection."""

    chats: tuple[int, ...] = ()
    """Chat ids (groups: negative numbers) whose members read it through the bot."""
    users: tuple[int, ...] = ()
    """User ids who read it in their private chat with the bot."""


@dataclass(frozen=True)
class AccessSettings:
    """The ``access:`` section of config.yaml."""

    public: tuple[str, ...] | None = None
    """Collections everyone reads; None: every collection not restricted. When given, a
    collection named neither here nor under ``restricted`` is read by administrators only."""
    restricted: dict[str, Grant] = field(default_factory=dict)
    """Collection -> the chats and users that may read it."""

    def summary(self) -> str:
        """One line for the start-up log: what is restricted to whom, what is public."""
        parts = [
            f"{name} ({len(grant.chats)} chats, {len(grant.users)} users)"
            for name, grant in sorted(self.restricted.items())
        ]
        public = (
            "every other collection" if self.public is None else ", ".join(self.public) or "none"
        )
        return f"restricted: {', '.join(parts) or 'none'}; public: {public}"

    def reader(
        self, chat_id: int | None, user_id: int | None, *, private: bool, admin: bool = False
    ) -> Access:
        """What a reader may see, decided by the chat the answer is sent to.

        In a private chat the user's grants apply, and an administrator reads everything. In
        a group every member sees the answer, so only the group's own grants apply: a manager
        asking in a school group gets what the group may read, never more.
        """
        if private and admin:
            return EVERYTHING
        granted = {
            name
            for name, grant in self.restricted.items()
            if (chat_id is not None and chat_id in grant.chats)
            or (private and user_id is not None and user_id in grant.users)
        }
        if self.public is None:
            return Access(denied=frozenset(self.restricted) - granted)
        return Access.only({*self.public, *granted})


def collections_on_disk(documents_dir: Path) -> list[str]:
    """Top-level folders of the documents folder that hold documents (no "." or "_" names)."""
    if not documents_dir.is_dir():
        return []
    return sorted(
        p.name for p in documents_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def access_settings(data: Any, documents_dir: Path) -> AccessSettings:
    """Read the ``access:`` section, checking every collection name against the folders.

    Raises:
        ConfigError: an unknown key, a bad id list, or a collection with no folder (a typo
            would otherwise leave the real folder readable by everyone).
    """
    if data is None:
        return AccessSettings()
    if not isinstance(data, dict):
        raise ConfigError(f"access: cần một nhóm thiết lập (khoá: giá trị), nhận được {data!r}")
    data = dict(data)
    restricted_data = data.pop("restricted", None) or {}
    settings = build_dataclass(AccessSettings, data, "access")
    if not isinstance(restricted_data, dict):
        raise ConfigError(
            "access.restricted: cần các bộ sưu tập dạng tên: {chats: [...], users: [...]}, "
            f"nhận được {restricted_data!r}"
        )
    restricted = {
        str(name): build_dataclass(Grant, grant or {}, f"access.restricted.{name}")
        for name, grant in restricted_data.items()
    }
    existing = collections_on_disk(documents_dir)
    named = [("access.public", n) for n in settings.public or ()]
    named += [("access.restricted", n) for n in restricted]
    for where, name in named:
        if name not in existing:
            choices = ", ".join(existing) or "(chưa có thư mục nào)"
            raise ConfigError(
                f"{where}: không có bộ sưu tập {name!r} (thư mục {documents_dir / name} không "
                f"tồn tại); các bộ sưu tập hiện có: {choices}"
            )
    both = sorted(set(settings.public or ()) & set(restricted))
    if both:
        raise ConfigError(
            f"access: bộ sưu tập {', '.join(both)} vừa ở public vừa ở restricted; chọn một"
        )
    return AccessSettings(public=settings.public, restricted=restricted)
