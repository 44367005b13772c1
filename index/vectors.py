"""FAISS vector store keyed by chunk id, so one document's vectors can be removed.

Exact inner-product search (``IndexIDMap2(IndexFlatIP)``) up to a configurable size, an
inverted-file index (IVF, ``nprobe`` lists searched) above it. Vectors are L2-normalised, so
inner product is cosine similarity. Single queries run on one OpenMP thread, which is faster
for one vector at a time than spreading it over cores.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from index.settings import RetrievalSettings

faiss.omp_set_num_threads(1)


@dataclass(frozen=True)
class IdFilter:
    """A FAISS id selector with the bitmap it reads (kept alive with it)."""

    selector: faiss.IDSelector
    bitmap: np.ndarray
    count: int


class VectorIndex:
    """Chunk-id keyed vectors with exact or approximate search."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def build(
        cls, vectors: np.ndarray, ids: np.ndarray, approximate_above: int, nprobe: int = 16
    ) -> VectorIndex:
        """Create the index that suits the number of vectors."""
        dim = vectors.shape[1]
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if len(vectors) > approximate_above:
            nlist = int(4 * np.sqrt(len(vectors)))
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            faiss.omp_set_num_threads(os.cpu_count() or 1)
            sample = vectors[np.random.default_rng(0).permutation(len(vectors))[: nlist * 40]]
            index.train(sample)
            faiss.omp_set_num_threads(1)
            index.nprobe = nprobe
            index.set_direct_map_type(faiss.DirectMap.Hashtable)
        else:
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        if len(vectors):
            index.add_with_ids(vectors, ids)
        return cls(index)

    @classmethod
    def update(
        cls,
        previous: Path | None,
        previous_ids: set[int],
        vectors: np.ndarray,
        ids: np.ndarray,
        settings: RetrievalSettings,
    ) -> VectorIndex:
        """The previous build's index with gone ids removed and new ones added, or a new one.

        A new index is built when there is no previous one or the exact/approximate choice
        changes with the new size.
        """
        approximate = len(ids) > settings.approximate_above
        if previous is None or not previous.exists():
            return cls.build(vectors, ids, settings.approximate_above, settings.nprobe)
        index = cls.load(previous, settings.nprobe)
        if index.approximate != approximate:
            return cls.build(vectors, ids, settings.approximate_above, settings.nprobe)
        gone = np.array(sorted(previous_ids - set(ids.tolist())), dtype=np.int64)
        if len(gone):
            index.remove(gone)
        fresh = np.array([n for n, i in enumerate(ids) if int(i) not in previous_ids], np.int64)
        if len(fresh):
            index.add(vectors[fresh], ids[fresh])
        return index

    @property
    def approximate(self) -> bool:
        """True for an IVF index."""
        return isinstance(self.index, faiss.IndexIVF)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def remove(self, ids: np.ndarray) -> int:
        """Remove vectors by chunk id; returns how many were removed."""
        return int(self.index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64)))

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        """Add vectors under the given chunk ids."""
        self.index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.ascontiguousarray(ids, np.int64)
        )

    def search(
        self, query: np.ndarray, k: int, only: IdFilter | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, chunk ids) for one query vector; ids of -1 are padding.

        ``only`` (from :meth:`selector`) restricts the search to some chunk ids inside FAISS,
        so k readable vectors come back whenever k exist. An IVF index then probes more lists
        (``nprobe / share``) so that as many readable vectors are scanned as without it.
        """
        if len(self) == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        vector = query.reshape(1, -1).astype(np.float32)
        params = None
        if only is not None:
            if only.count == 0:
                return np.zeros(0, np.float32), np.zeros(0, np.int64)
            if self.approximate:
                share = only.count / len(self)
                nprobe = min(self.index.nlist, int(np.ceil(self.index.nprobe / max(share, 1e-6))))
                params = faiss.SearchParametersIVF(sel=only.selector, nprobe=nprobe)
            else:
                params = faiss.SearchParameters(sel=only.selector)
        scores, ids = self.index.search(vector, min(k, len(self)), params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    @staticmethod
    def selector(ids: np.ndarray) -> IdFilter:
        """An id filter for :meth:`search` (a bitmap over chunk ids: one bit per id)."""
        ids = np.asarray(ids, dtype=np.int64)
        size = int(ids.max()) + 1 if len(ids) else 1
        bits = np.zeros(size, dtype=bool)
        bits[ids] = True
        bitmap = np.packbits(bits, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))  # n in bytes
        return IdFilter(selector, bitmap, len(ids))

    def save(self, path: Path) -> None:
        """Write the index to a file."""
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, nprobe: int = 16) -> VectorIndex:
        """Read an index written by :meth:`save`."""
        index = faiss.read_index(str(path))
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = nprobe
        return cls(index)
