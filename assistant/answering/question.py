"""Question analysis: what kind of answer is asked for, which unit, which entities must be present,
and follow-up resolution against the chat history."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import jieba
import jieba.posseg as pseg

from core.numbers import extract_figures
from core.text import normalize_query
from core.text import tokenize

# Kind of question, checked in order; the first pattern that matches wins.
_KINDS = [
    ("author", re.compile(r"记者|(?<!工)作者|谁写|撰写|执笔|署名|撰稿")),
    ("year", re.compile(r"哪一?年|哪个年份|什么时候|何时|哪天|几月|日期|时间是")),
    ("figure", re.compile(r"多少|几[个家人名处场次项批届位万千百十]|百分之几|比例|占比|多大|多高|多长|多久|几成|[达是为]?多少?率(?![先领])"
                          r"|什么数字|数字是|数据是")),
    ("list", re.compile(r"哪些|哪几|有什么|有哪|包括|包含|分别|列举|几种|几项|几大|哪[一二三四五六七八九十两]+[个项种类条点家大]")),
    ("who", re.compile(r"谁|哪位|什么人|哪个人|(?:主席|书记|负责人|局长|部长|主任|记者|作者)(?:叫什么|的名字|名字|姓名)")),
    ("where", re.compile(r"哪里|在哪|什么地方|哪个地方|哪座|哪个城市|哪个市|哪个县")),
]

# Asked unit → units a matching figure may carry.
_UNITS = [
    (re.compile(r"百分之几|百分之多少|比例|占比|几成|[^多\s]率(?![先领])|%"), {"%"}),
    (re.compile(r"多少(万|千|亿)?元|多少钱|多少资金|资金|经费|金额|补助|补贴|投资|投入"), {"元"}),
    (re.compile(r"多少(万)?家|几家"), {"家"}),
    (re.compile(r"多少(万)?(人|名)|几(人|名)|人数|多少(位|名)?(职工|会员|劳动者|员工|人员|干部|学员|农民工)(?!书屋|之家|驿站|小家)|多少(职工|会员|劳动者)"), {"人", "名"}),
    (re.compile(r"多少个|几个"), {"个", "处", "座", "所", "家", "间", "支", "项", "条", "种"}),  # 个 is any count
    (re.compile(r"多少处|几处"), {"处"}),
    (re.compile(r"多少场|几场"), {"场", "次"}),
    (re.compile(r"多少张"), {"张"}),
    (re.compile(r"多少册|多少本"), {"册", "本"}),
    (re.compile(r"多少(平方米|平米)|面积"), {"平方米"}),
]

_QUESTION_WORDS = set(
    "多少 几 哪 哪些 哪个 哪里 什么 怎么 怎样 如何 是否 吗 呢 谁 请问 一下 介绍 了 建 建了 有 共 "
    "一共 总共 分别 达到 为 是 哪一年 何时 时候 年份 这个 那个 数字 这 那 其 该 它 搞 做 干 弄 办 包括 包含".split()
)
_PLACE_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:省|市|县|区|州|镇|乡|旗|盟)$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?(?!\d)")
# Question phrasing, blanked out before tokenising so "多少家新就业" does not become the token "家新".
_ASKING = re.compile(
    r"(?:是|有|达到?|为)?(?:多少|几)(?:万|千|亿)?[家人名个处场次张册元本项位种批届年]?|百分之几|哪一?年|"
    r"(?:哪些|哪几个?|哪个)(?:地方|地区|城市|单位|工会|部门)?|"
    r"哪个|哪位|哪里|在哪|什么时候|叫什么名字|叫什么|什么名字|名字|名称|什么数字|什么|是谁|谁|如何|怎么|怎样|是否|吗|呢|请问|"
    r"分别|各自|具体|一共|总共|多大面积|哪[一二三四五六七八九十几]?[个项种类条点强大]|"
    r"资料[里中]|文章[里中]?|报道[里中]?|这篇|那篇|稿子|总数|总量|数量|数目|总额|[?？!！。,，]"
)
_COUNTED = re.compile(r"(?:多少|几)(?:万|千|亿)?([家个处场次张册本项种批届]|钱|元)([^?？,，。!！]*)")
_REFERS_BACK = re.compile(r"这个|这些|那个|该数字|此")  # about the previous answer itself: keep its question
_PRONOUN = re.compile(r"他们|她们|它们|该单位|该工会|其中的?|他|她|它|其")
_SUBJECT = re.compile(r"[\u4e00-\u9fff]{2,8}?[省市县区]?总?工会")
_TOTAL_OF = re.compile(r"([\u4e00-\u9fff]{2,12})(?:总数|总量|数量|数目|总额)")
_ASKS_AMOUNT = re.compile(r"多少|几|多大|多高|多长|多久")
_FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|而|再问)|呢[?？]?$|这个|这些|那个|该数字|它|他们|她们|其中|此")


@dataclass
class Question:
    text: str  # as asked
    normalized: str  # NFKC + simplified
    search: str = ""  # normalized with the question phrasing blanked out: the retrieval query
    kind: str = "fact"
    units: set[str] = field(default_factory=set)
    entities: list[str] = field(default_factory=list)  # places, organisations, people: must occur in evidence
    years: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # content tokens for matching sentences
    counted: str = ""  # what a figure question counts: 多少家「新就业形态工会」

    @property
    def focus_terms(self) -> list[str]:
        """Content terms that are not the named subject (成都 / 成都市总工会): the thing asked about."""
        subject = "".join(self.entities) + "".join(
            m.group(0) for e in self.entities for m in re.finditer(rf"{re.escape(e)}[省市县区]?总?工会", self.normalized))
        named = "".join(f.raw for f in extract_figures(self.normalized))  # 三十五万元 is matched as a figure
        focus = [t for t in self.terms if t not in subject and t not in named and not t.isdigit()]
        if focus:
            return focus
        # Everything asked was a stopword to the tokenizer (盱眙是什么之都？): fall back to character pairs.
        rest = re.sub("|".join(map(re.escape, self.entities)) or "^$", " ", self.search)
        return list(dict.fromkeys(m.group(1) for m in re.finditer(r"(?=([\u4e00-\u9fff]{2}))", rest)))


# Tagged as places by jieba but mostly used as ordinary words in questions.
_NOT_ENTITIES = frozenset({"新建", "新区", "中国", "中华", "全国", "国家"})


def _proper_stem(word: str) -> bool:
    """任城区 → 任城 is a name (tagged or unknown to the dictionary); 工业园区 → 工业园 is a common noun."""
    stem = re.sub(r"(?:省|市|县|区|州|镇|乡|旗|盟)$", "", word)
    if len(stem) < 2:
        return False
    flags = {p.flag for p in pseg.cut(stem)}
    return bool(flags & {"ns", "nr", "nt", "nrt"}) or not jieba.dt.FREQ.get(stem)


def entities(text: str) -> list[str]:
    """Places, organisations and people named in a question (jieba POS tags + place suffixes)."""
    found: list[str] = []
    for word, flag in pseg.cut(text):
        word = word.strip()
        if len(word) < 2 or word in _NOT_ENTITIES or word in _QUESTION_WORDS or word in found:
            continue
        if flag in ("ns", "nr", "nt", "nrt") or (_PLACE_SUFFIX.match(word) and _proper_stem(word)):
            found.append(word)
    return found


def analyse(text: str) -> Question:
    norm = normalize_query(text)
    q = Question(text=text, normalized=norm)
    for kind, pattern in _KINDS:
        if pattern.search(norm):
            q.kind = kind
            break
    for pattern, units in _UNITS:
        if pattern.search(norm):
            q.units = set(units)
            break
    if q.kind == "fact" and q.units:
        if "%" in q.units or _ASKS_AMOUNT.search(norm):
            q.kind = "figure"
        else:  # "补助的三十五万元用于什么？" names money but asks what for
            q.units = set()
    q.entities = entities(norm)
    q.years = _YEAR.findall(norm)
    counted = _COUNTED.search(norm)
    # Only when that phrase asks for the unit being checked (…多少个问题，解决率多少 asks for a %).
    if counted and ("元" if counted.group(1) == "钱" else counted.group(1)) in q.units:
        after = re.sub(r"[的呢啊吗]+$", "", counted.group(2))
        # "滨海县总工会新建工会多少家": the thing counted is 新建工会. Money is seldom named beside its
        # purpose ("投资近140万元,率先筹建…中心"): for it only the words after count.
        before = "" if "元" in q.units else _without_subject(re.split(r"[,，]", norm[: counted.start()])[-1], q)
        q.counted = after or before
    elif total := _TOTAL_OF.search(norm):  # "会员总数是多少": the figure must count 会员
        q.counted = _without_subject(total.group(1), q)
    q.search = re.sub(r"\s+", " ", _ASKING.sub(" ", norm)).strip() or norm
    q.terms = [t for t in dict.fromkeys(tokenize(q.search)) if t not in _QUESTION_WORDS]
    return q


_CONJ = "和与及、跟同"
_PIVOT = re.compile(r"分别|各自|各")


def split_subjects(q: Question) -> list[tuple[str, str]]:
    """"南昌工业园区和什邡新就业形态分别建了多少家工会组织？" →
    [("南昌", "南昌工业园区建了多少家工会组织？"), ("什邡", "什邡新就业形态建了多少家工会组织？")].

    Splits only when two named entities are joined by a conjunction; text after 分别/各 is shared,
    and a subject that is a bare name borrows the last subject's qualifier (南昌和成都在发展会员上…).
    """
    text = q.normalized
    pivot = _PIVOT.search(text)
    head, tail = (text[: pivot.start()], text[pivot.end():]) if pivot else (text, "")
    subjects = [s for s in re.split(f"[{_CONJ}]", head) if s.strip()]
    named = [(next((e for e in q.entities if e in s), None), s) for s in subjects]
    if len(named) < 2 or any(e is None for e, _ in named):
        return []
    if not pivot:  # "什邡和南昌建了多少…": the predicate follows the last name
        last_entity, last = named[-1]
        tail = last[last.index(last_entity) + len(last_entity):]
        named[-1] = (last_entity, last_entity)
    qualifier = named[-1][1][named[-1][1].index(named[-1][0]) + len(named[-1][0]):]
    return [(e, (s if s.strip() != e else e + qualifier) + tail) for e, s in named]


def _without_subject(phrase: str, q: Question) -> str:
    for e in q.entities:
        phrase = re.sub(rf"{re.escape(e)}[省市县区]?(?:总?工会)?", "", phrase)
    return re.sub(r"^[的在了]+|[的有是为共了]+$", "", phrase)


def place_stem(name: str) -> str:
    """成都市 → 成都: articles often drop the suffix (我市, 成都职工卡)."""
    stem = re.sub(r"(?:省|市|县|区|州|镇|乡|旗|盟|总工会|工会)+$", "", name)
    return stem if len(stem) >= 2 else name


def is_follow_up(text: str) -> bool:
    """Short and either pointing back (那…呢, 这个, 他们) or naming nobody (发展会员多少人？)."""
    norm = normalize_query(text)
    return len(norm) <= 16 and (bool(_FOLLOW_UP.search(norm)) or not entities(norm))


_FILLER = re.compile(r"^(那么?|还有|另外|而|再问)|这个数字|这个|这些|那个|该数字|呢|[?？。]$")


def resolve(text: str, history: list[dict] | None) -> str:
    """Rewrite a follow-up (那南昌呢？ / 这个数字是哪一年的？) into a standalone question."""
    previous = [_text(m) for m in (history or []) if m.get("role") == "user" and _text(m)]
    if not previous or not is_follow_up(text):
        return text
    prev = normalize_query(resolve(previous[-1], [{"role": "user", "content": p} for p in previous[:-1]]))
    now = normalize_query(text)
    stripped = _FILLER.sub("", now).strip()
    new_ents = entities(now)
    if new_ents:
        if analyse(stripped).focus_terms:  # 那南昌的建会率呢？ stands on its own
            return stripped
        old_ents = entities(prev)  # 那南昌呢？ — the previous question about another entity
        for old, new in zip(old_ents, new_ents):
            prev = prev.replace(old, new)
        return prev if old_ents else f"{''.join(new_ents)}{prev}"
    if not _REFERS_BACK.search(now) and analyse(stripped).kind != "fact":
        # 那他们发展了多少会员？ / 发展会员多少人？ — a new question about the same subject
        found = _SUBJECT.search(prev)
        subject = found.group(0) if found else "".join(entities(prev))
        if _PRONOUN.search(stripped):
            return _PRONOUN.sub(subject, stripped, count=1)
        return subject + stripped
    # 这个数字是哪一年的？ — keep the previous question, ask the new thing about it.
    return f"{prev.rstrip('？?。')} {stripped}".strip()


def _text(message: dict) -> str:
    """Chat messages may carry content as a string or as Gradio's [{'text': ..., 'type': 'text'}]."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""
