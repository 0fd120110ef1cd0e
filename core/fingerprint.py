"""Content fingerprints of cleaned articles, so a republished copy (转载) is recognised as the same article.

Republishing sites change what surrounds an article, not the article: their own header and footer lines,
the title line or byline, white space, punctuation width, traditional script, now and then a character.
So the fingerprint reads only the body (lines that are sentences), normalised (NFKC, simplified, letters,
digits and ideographs only), and keeps two things of it:

- an exact hash, which settles identical bodies at once;
- a MinHash signature over character shingles, whose agreement estimates the shingles' Jaccard similarity,
  which settles near-identical ones (a few edited characters, a boilerplate paragraph added).

Pure functions: no store, no I/O. The thresholds live in `CopyPolicy`.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from core.text import normalize_unicode, to_simplified


@dataclass(frozen=True)
class CopyPolicy:
    """When two articles count as copies of one.

    min_similarity was measured with `bench/republished.py --measure` (MinHash agreement of every pair of
    distinct articles in data/sample, evals/corpus/dev and evals/corpus/test: 741 pairs, the same topic by
    the same union in two years among them; and of each sample article with 25 republished copies of it:
    renamed, a site's header, footer and 转载 notice, up to 6 edited words, every fifth one in traditional
    script). Distinct articles agree on at most 0.062 (送温暖 2024 宜昌 vs 海宁 2023); copies on at least
    0.805 (a traditional copy). 0.5 sits between the two with a wide margin either way.
    """

    shingle: int = 5  # characters per shingle: long enough that shared stock phrases of one topic rarely match
    hashes: int = 128  # MinHash slots: the similarity estimate's standard error is about 0.04 at 0.5
    min_similarity: float = 0.5
    min_line_chars: int = 12  # a shorter line is a title, byline, caption or site line, not body text
    min_body_chars: int = 60  # below this a body is too short to compare by shingles: exact hash only
    seed: int = 20260  # fixes the MinHash permutations: signatures stored by one run compare with the next
    # Locality-sensitive bands: two documents are compared only when they agree on all slots of some band
    # (or on the exact hash). With 42 bands of 3 slots a pair at similarity s becomes a candidate with
    # probability 1-(1-s³)⁴²: 0.996 at the 0.5 threshold, 1.0 at the copies' 0.805, and 0.01 at the
    # distinct articles' 0.062, so grouping costs about one comparison per document, not one per pair.
    band_rows: int = 3


DEFAULT_COPY_POLICY = CopyPolicy()

_KEEP = re.compile(r"[\w]+")  # letters, digits, ideographs; drops punctuation and white space of any width
_SENTENCE_END = re.compile(r"[。！？；!?;]|(?<!\d)\.|\.(?!\d)")  # a half-width full stop too, not a decimal point


@dataclass(frozen=True)
class Fingerprint:
    exact: str  # hash of the normalised body
    length: int  # characters of the normalised body
    minhash: tuple[int, ...]  # empty for a body too short to compare by shingles

    def to_text(self) -> str:
        """One catalog column: "exact:length:hex hex …"."""
        return f"{self.exact}:{self.length}:" + " ".join(f"{h:08x}" for h in self.minhash)

    @classmethod
    def from_text(cls, text: str) -> Fingerprint | None:
        if not text:
            return None
        exact, length, hashes = text.split(":", 2)
        return cls(exact, int(length), tuple(int(h, 16) for h in hashes.split()))


def normalised(line: str) -> str:
    """A line as copies of it agree: NFKC, simplified, only letters, digits and ideographs, lower case."""
    return "".join(_KEEP.findall(to_simplified(normalize_unicode(line)))).replace("_", "").lower()


def body(text: str, policy: CopyPolicy = DEFAULT_COPY_POLICY) -> str:
    """The normalised body: the lines that are sentences. Title, byline, dateline, captions and a site's
    header and footer lines are short or carry no sentence end, and republishing changes exactly those.
    A text with no such lines (a table, a list) keeps all its lines."""
    lines = [line for line in text.split("\n") if line.strip()]
    prose = [line for line in lines
             if _SENTENCE_END.search(normalize_unicode(line)) and len(normalised(line)) >= policy.min_line_chars]
    return "".join(normalised(line) for line in (prose or lines))


def _permutations(policy: CopyPolicy) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(policy.seed)
    a = rng.integers(1, 2**32, policy.hashes, dtype=np.uint64) | np.uint64(1)  # odd: a bijection mod 2**32
    b = rng.integers(0, 2**32, policy.hashes, dtype=np.uint64)
    return a, b


def minhash(text: str, policy: CopyPolicy = DEFAULT_COPY_POLICY) -> tuple[int, ...]:
    """MinHash of the text's character shingles: per slot, the least of the shingles' permuted hashes."""
    n = policy.shingle
    shingles = {text[i:i + n] for i in range(len(text) - n + 1)}
    if not shingles:
        return ()
    x = np.fromiter((zlib.crc32(s.encode()) for s in shingles), dtype=np.uint64, count=len(shingles))
    a, b = _permutations(policy)
    # (a*x + b) mod 2**32 in uint64: a, x < 2**32, so a*x + b never wraps.
    permuted = (np.outer(x, a) + b) & np.uint64(0xFFFFFFFF)
    return tuple(int(v) for v in permuted.min(axis=0))


def fingerprint(text: str, policy: CopyPolicy = DEFAULT_COPY_POLICY) -> Fingerprint:
    core = body(text, policy)
    exact = hashlib.sha1(core.encode()).hexdigest()[:20]
    return Fingerprint(exact, len(core), minhash(core, policy) if len(core) >= policy.min_body_chars else ())


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two bodies' shingles (1.0 for identical bodies)."""
    if a.exact == b.exact:
        return 1.0
    if not a.minhash or len(a.minhash) != len(b.minhash):
        return 0.0
    if min(a.length, b.length) < 0.5 * max(a.length, b.length):
        return 0.0  # shingle sets this unequal in size cannot be half shared: skip the comparison
    return float(np.mean(np.array(a.minhash) == np.array(b.minhash)))


def same_article(a: Fingerprint, b: Fingerprint, policy: CopyPolicy = DEFAULT_COPY_POLICY) -> bool:
    return similarity(a, b) >= policy.min_similarity


def band_keys(f: Fingerprint, policy: CopyPolicy = DEFAULT_COPY_POLICY) -> list[tuple]:
    """The buckets a fingerprint falls in: its exact hash and each MinHash band (see CopyPolicy.band_rows)."""
    r = policy.band_rows
    return [("exact", f.exact)] + [(i, f.minhash[i * r:(i + 1) * r]) for i in range(len(f.minhash) // r)]


# A band bucket holding more documents than this is a stock passage many distinct articles share (a
# reposted notice, a template paragraph), not one article's copies: its members are compared with its
# first LEADERS only. Copies agree on about half of all bands, so they meet in smaller buckets as well.
LARGE_BUCKET = 64
LEADERS = 8


class CandidateIndex:
    """Fingerprints bucketed by band_keys: who may be a copy of whom, without comparing every pair."""

    def __init__(self, prints: list[Fingerprint | None], policy: CopyPolicy = DEFAULT_COPY_POLICY) -> None:
        self.policy = policy
        # keyed by the band's hash, not its tuple (a third of the memory at 1.5 million buckets): the index
        # lives in one process, and a rare collision only adds a pair to compare
        self._buckets: dict[int, list[int]] = {}
        for i, f in enumerate(prints):
            for key in band_keys(f, policy) if f else ():
                self._buckets.setdefault(hash(key), []).append(i)

    def candidates(self, f: Fingerprint | None) -> set[int]:
        """Positions of the indexed fingerprints sharing a bucket with f."""
        return {i for key in (band_keys(f, self.policy) if f else ()) for i in self._buckets.get(hash(key), ())}

    def pairs(self) -> Iterator[tuple[int, int]]:
        """(i, j), i < j, in order, of indexed fingerprints sharing a bucket; in a bucket of more than
        LARGE_BUCKET only the pairs with its first LEADERS members. Kept as one integer array: at 45,000
        documents of recombined text the pairs as a Python set took 1.3 GB (bench/scale.py)."""
        n = max(1, max((m[-1] for m in self._buckets.values()), default=0) + 1)
        codes = []
        for members in self._buckets.values():
            if len(members) > 1:
                at = np.asarray(members, np.int64)
                for k in range(min(len(at) - 1, len(at) if len(at) <= LARGE_BUCKET else LEADERS)):
                    codes.append(at[k] * n + at[k + 1:])
        for code in np.unique(np.concatenate(codes)).tolist() if codes else ():
            yield divmod(code, n)
