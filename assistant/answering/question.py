"""Question analysis: what kind of answer is asked for, which unit, which entities must be present,
and follow-up resolution against the chat history."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import jieba.posseg as pseg

from assistant.answering.attributes import Attribute, asked_attributes
from core.names import question_entities
from core.numbers import extract_figures
from core.text import ASKED_YEAR, normalize_query, tokenize

# Kind of question, checked in order; the first pattern that matches wins.
QuestionKind = Literal["photo", "editor", "published", "author", "year", "figure", "list", "who", "where", "fact"]

_KINDS = [
    # About the article rather than its news: its photographer, editor, publication day (answered from
    # captions, editor lines and datelines, which never answer anything else).
    ("photo", re.compile(r"配图|图片|照片|谁拍|拍的|摄影")),
    ("editor", re.compile(r"编辑")),
    ("published", re.compile(r"(?:哪天|什么时候|哪一天|何时|几号|哪年|哪一年)(?:发|刊|登|见报|发布|发表|刊发|刊登)"
                             r"|(?:发布|发表|刊发|刊登|见报)(?:时间|日期)|(?:发|刊)的(?:日期|时间)")),
    ("author", re.compile(r"记者|(?<!工)作者|谁写|撰写|执笔|署名|撰稿")),
    ("year", re.compile(r"哪一?年|哪个年份|什么时候|何时|哪天|几月|日期|时间是")),
    ("figure", re.compile(r"多少|(?<!哪)几[个家人名处场次项批届位万千百十]|百分之几|比例|占比|多大|多高|多长|多久|几成|[达是为]?多少?率(?![先领])"
                          r"|什么数字|数字是|数据是")),
    ("list", re.compile(r"哪些|哪几|有什么|有哪|包括|包含|分别|列举|几种|几项|几大|哪[一二三四五六七八九十两]+[个项种类条点家大件]")),
    ("who", re.compile(r"谁|哪位|什么人|哪个人|(?:主席|书记|负责人|局长|部长|主任|记者|作者)(?:叫什么|的名字|名字|姓名)")),
    ("where", re.compile(r"哪里|在哪|什么地方|哪个地方|哪座|哪个城市|哪个市|哪个县")),
]

# Asked unit → units a matching figure may carry. 个 and 处 ask for any count (几个人, 几处 → 385个).
_COUNTS = {"个", "处", "座", "所", "家", "间", "支", "项", "条", "种", "名", "人", "位", "份", "件", "次", "场", "批",
           "届", "期", "户", "台", "套", "辆", "本", "册", "张", "篇", "部", "块"}
_PEOPLE = r"(?:学生|选手|骑手|司机|徒弟|志愿者|律师|代表|劳模|工人|农民工|职工|会员|员工|人员|干部|学员|劳动者)(?!书屋|之家|驿站|小家|服务)"
_DURATION = {"年", "月", "天", "日", "周", "小时", "分钟", "工作日"}
_UNITS = [
    # A measure word right after the asking word wins over any topic word: 补贴审核缩短到几个工作日 asks days.
    (re.compile(r"(?:多少|几)(?:个工作日|工作日|个小时|小时|分钟|个月|天)"), _DURATION),
    # 多久一次 asks a frequency, answered by 每季度 / 每两年 (see features.sentence_units).
    (re.compile(r"(?:多久|多长时间|几[年个月天周])[^,，。?？]{0,6}一次|频次|频率"), {"频次"}),
    # A change (上浮多少, 增长了多少) may be stated in any unit: 20%, 300人, 1.5倍.
    (re.compile(r"(?:上浮|上调|增长|增加|下降|降低|提高|提升|上涨|减少|增幅|涨幅|降幅)了?(?:百分之)?多少"
                r"(?![万千亿]?[家人名个处场次张册元本项位种批届件份户])"), set()),
    # 有多少领了补贴: people who did something, whatever money the sentence also names.
    (re.compile(r"多少(?:人|名)?(?=[^,，。?？]{0,2}(?:领|参加|参与|获得|受益|报名|享受|入会|加入|接受|申请))"),
     {"人", "名", "人次"}),
    (re.compile(r"百分之几|百分之多少|比例|占比|占了?多少|几成|[^多\s]率(?![先领])|%"), {"%"}),
    (re.compile(r"多少(万|千|亿)?元|多少钱|多少资金|[投花捐]了?多少|捐赠|捐款|拨付|筹集|筹措|资金|经费|金额|补助|补贴|投资|投入|[奖慰问助救]金"), {"元"}),
    (re.compile(r"多少(万)?家|(?<!哪)几家"), {"家"}),
    (re.compile(r"多少(万)?人次|几人次"), {"人次", "人"}),
    (re.compile(r"多少(万)?(人|名)|几(人|名)|人数|多少(位|名)?(职工|会员|劳动者|员工|人员|干部|学员|农民工)(?!书屋|之家|驿站|小家)|多少(职工|会员|劳动者)"), {"人", "名", "人次"}),
    # 多少学生 / 选手有多少: a noun for people before or after the asking word
    (re.compile(rf"多少(?:名|位)?{_PEOPLE}|{_PEOPLE}(?:有|是|共有|共|达到|达)?多少(?![万千亿]?[家个处场次张册元本项种批届件份户])"),
     {"人", "名", "人次"}),
    (re.compile(r"多少个|几个|多少处|几处"), _COUNTS),
    (re.compile(r"多少场|几场"), {"场", "次"}),
    (re.compile(r"多少(万)?件|几件"), {"件"}),
    (re.compile(r"多少(万)?份|几份"), {"份"}),
    (re.compile(r"多少(万)?户|几户"), {"户"}),
    (re.compile(r"多少次|几次"), {"次"}),
    (re.compile(r"多少张"), {"张"}),
    (re.compile(r"多少册|多少本"), {"册", "本"}),
    (re.compile(r"多少(平方米|平米)|面积"), {"平方米"}),
    (re.compile(r"多久|多长时间|几年|几个月|几天"), _DURATION),
]

_QUESTION_WORDS = set(
    "多少 几 哪 哪些 哪个 哪里 什么 怎么 怎样 如何 是否 吗 呢 谁 请问 一下 介绍 了 建 建了 有 共 "
    "一共 总共 分别 达到 为 是 哪一年 何时 时候 年份 这个 那个 数字 这 那 其 该 它 搞 做 干 弄 办 包括 包含 "
    "他们 她们 它们 自己 起来 多起来 这次 此次 本次 那次 一直 仍然 现在 目前 到底 究竟 大概 这些 那些 那起 这起 那位 这位 那家 这家 那篇 这批 那批".split()
)
# Question phrasing, blanked out before tokenising so "多少家新就业" does not become the token "家新".
_ASKING = re.compile(
    r"(?:是|有|达到?|为)?(?:多少|几)(?:万|千|亿)?[家人名个处场次张册元本项位种批届年]?|百分之几|哪一?年|"
    r"(?:哪些|哪几个?|哪个)(?:地方|地区|城市|单位|工会|部门)?|"
    r"哪个|哪位|哪里|在哪|什么时候|叫什么名字|叫什么|什么名字|名字|名称|什么数字|什么|是谁|谁|如何|怎么|怎样|是否|吗|呢|请问|"
    r"分别|各自|具体|一共|总共|多大面积|哪[一二三四五六七八九十几]?[个项种类条点强大]|"
    r"资料[里中]|文章[里中]?|报道[里中]?|这篇|那篇|稿子|总数|总量|数量|数目|总额|[?？!！。,，]"
)
_COUNTED = re.compile(r"(?:多少|几)(?:万|千|亿)?([家个处场次张册本项种批届]|钱|元)([^?？,，。!！]*)")
_TOTAL_OF = re.compile(r"([\u4e00-\u9fff]{2,12})(?:总数|总量|数量|数目|总额)")
_PART_OF = re.compile(r"(?<=[\u4e00-\u9fff])(?<![县市区村乡镇省厂家这那哪心手])(?:里|当中|之中|中间)(?=[\u4e00-\u9fff])")
_AFTER_YEAR = re.compile(r"((?:19|20)\d{2}年)(?![度底初末内以前后])")
_ASKS_AMOUNT = re.compile(r"多少|几|多大|多高|多长|多久")


@dataclass
class Question:
    text: str  # as asked
    normalized: str  # NFKC + simplified
    search: str = ""  # normalized with the question phrasing blanked out: the retrieval query
    kind: QuestionKind = "fact"
    units: set[str] = field(default_factory=set)
    entities: list[str] = field(default_factory=list)  # places, organisations, people: must occur in evidence
    years: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # content tokens for matching sentences
    counted: str = ""  # what a figure question counts: 多少家「新就业形态工会」
    attributes: list[Attribute] = field(default_factory=list)  # 上半年, 二等奖, 女职工: must be stated

    @property
    def focus_terms(self) -> list[str]:
        """Content terms that are not the named subject (成都 / 成都市总工会): the thing asked about."""
        subject = "".join(self.entities) + "".join(
            m.group(0) for e in self.entities for m in re.finditer(rf"{re.escape(e)}[省市县区]?总?工会", self.normalized))
        named = "".join(f.raw for f in extract_figures(self.normalized))  # 三十五万元 is matched as a figure
        focus = [t for t in self.terms if t not in subject and t not in named and not t.isdigit()]
        part = _PART_OF.split(self.normalized)
        if len(part) > 1 and any(t in part[-1] for t in focus):
            # "助学金里爱心企业捐了多少": the part asked about is what follows 里 (the whole is context)
            focus = [t for t in focus if t in part[-1]]
        if focus:
            return focus
        # Everything asked was a stopword to the tokenizer (盱眙是什么之都？): fall back to character pairs.
        rest = re.sub("|".join(map(re.escape, self.entities)) or "^$", " ", self.search)
        return list(dict.fromkeys(m.group(1) for m in re.finditer(r"(?=([\u4e00-\u9fff]{2}))", rest)))


def entities(text: str) -> list[str]:
    """Places, organisations and people a question names (question words are not names)."""
    return list(_entities(text))


@lru_cache(maxsize=4096)  # vetoes ask it of each union a candidate sentence names: the same few, again and again
def _entities(text: str) -> tuple[str, ...]:
    return tuple(question_entities(text, _QUESTION_WORDS))


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
    if q.kind in ("who", "where"):  # 在哪个平台申报补贴: a place or a name is asked, not the money
        q.units = set()
    if q.kind == "fact" and q.units:
        if "%" in q.units or _ASKS_AMOUNT.search(norm):
            q.kind = "figure"
        else:  # "补助的三十五万元用于什么？" names money but asks what for
            q.units = set()
    q.entities = entities(norm)
    q.attributes = asked_attributes(norm)
    q.years = ASKED_YEAR.findall(norm)
    counted = _COUNTED.search(norm)
    # Only when that phrase asks for the unit being checked (…多少个问题，解决率多少 asks for a %).
    # 几个人: the measure itself is what is counted, and the unit check covers it
    if (counted and ("元" if counted.group(1) == "钱" else counted.group(1)) in q.units
            and not re.match(r"[人名位]", counted.group(2))):
        after = _noun_phrase(re.sub(r"[的呢啊吗]+$", "", counted.group(2)))
        # "滨海县总工会新建工会多少家": the thing counted is 新建工会. Money is seldom named beside its
        # purpose ("投资近140万元,率先筹建…中心"): for it only the words after count.
        before = "" if "元" in q.units else _without_subject(re.split(r"[,，]", norm[: counted.start()])[-1], q)
        q.counted = after or before
    elif total := _TOTAL_OF.search(norm):  # "会员总数是多少": the figure must count 会员
        q.counted = _without_subject(total.group(1), q)
    # "2023年市总工会": a space after the year, so the tokenizer does not make a word "年市" of it
    spaced = _AFTER_YEAR.sub(r"\1 ", norm)
    q.search = re.sub(r"\s+", " ", _ASKING.sub(" ", spaced)).strip() or norm
    q.terms = [t for t in dict.fromkeys(tokenize(q.search)) if t not in _QUESTION_WORDS]
    return q


_ASKED_NOUN = re.compile(r"(?:多少|几)(?:万|千|亿)?[家个处场次张册本项种批届名位]?([\u4e00-\u9fff]{2,})")


def asked_noun(text: str) -> str:
    """The words right after the asking word: 资助了多少学生 → 学生, 命名了多少家市级劳模创新工作室 → 市级劳模创新
    工作室 ("" when the question ends there: 摘牌了几家？)."""
    m = _ASKED_NOUN.search(text)
    return re.sub(r"[的呢啊吗有是]+$", "", m.group(1)) if m else ""


def _noun_phrase(phrase: str) -> str:
    """The thing a phrase names, without the verb that follows it: 单位参加了医疗互助 → 单位
    (a verb before any noun stays: 新就业形态工会)."""
    out, nouns = "", 0
    for word, flag in pseg.cut(phrase):
        if flag == "v" and nouns:
            break
        out += word
        nouns += flag.startswith("n")
    return out


def _without_subject(phrase: str, q: Question) -> str:
    for e in q.entities:
        phrase = re.sub(rf"{re.escape(e)}[省市县区]?(?:总?工会)?", "", phrase)
    phrase = re.split(r"[里中](?![心国])|当中|之中", phrase)[-1]  # 这批工作室里装备制造企业 → 装备制造企业
    return re.sub(r"^[的在了]+|[的有是为共了]+$", "", phrase)


