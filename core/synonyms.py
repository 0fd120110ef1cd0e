"""Words that union news uses for one another, so a question in other words still finds its sentence.

Two kinds of entry, written from how union news is worded (not from any one article):
- groups of interchangeable words (惠及 / 覆盖 / 受益): any member stands for any other;
- one-way entries: a question's word and the words a sentence uses for it (外卖 → 新就业形态, since
  新就业形态劳动者 covers 外卖骑手 but a sentence about 外卖骑手 does not answer for all of them).
A synonym earns less credit than the literal word (see AnswerPolicy.synonym_credit).
"""

from __future__ import annotations

from functools import lru_cache

_GROUPS = [
    "惠及 覆盖 受益 涵盖",
    "投入 投资 安排 拨付 下拨 划拨 筹集 筹措",
    "建成 建立 创建 打造 组建 新建 建起",
    "举办 举行 开展 组织 召开",
    "慰问 走访 看望 探望",
    "困难职工 困难家庭 困难群众 帮扶对象",
    "农民工 进城务工人员 外来务工人员",
    "女职工 女工 女会员 女性职工",
    "劳模 劳动模范",
    "欠薪 拖欠工资 欠发工资 讨薪 欠付工资",
    "追回 挽回 讨回 追讨",
    "法律援助 法援",
    "疗休养 疗养 休养",
    "技能竞赛 技能大赛 职业技能竞赛 技能比武 岗位练兵",
    "荣获 获得 获评",
    "医疗互助 互助保障 互助保险",
    "电话 来电 热线",
    "补贴 补助 资助 奖补",
    "培训 轮训 培养",
    "参加 参与 参赛",
    "入会 加入工会",
    "签订 签署 签了",
    "哺乳室 母婴室 妈咪小屋 爱心妈妈小屋",
    "驿站 服务站 爱心驿站 暖心驿站",
    "职工书屋 书屋 阅读点",
    "审计 审查",
    "经费 资金 款项",
    "建会 组建工会 成立工会",
    "体检 健康检查 筛查",
    "心理 心灵",
    "助学金 助学资金 奖助学金",
    "申领 申请 申报 领取",
    "线上 网上 在线 掌上",
    "父亲 爸爸 他爸 老爸",
    "母亲 妈妈 她妈",
    "孩子 子女",
    "上年 去年 上一年",
    "资助 受助 救助",
    "高中生 高中",
    "比例 占比 比重",
]
# One way: a question saying the left words is answered by a sentence saying the right ones (跑外卖的 →
# 新就业形态劳动者; 负责人 → 主席), not the reverse.
_ONE_WAY = [
    ("外卖 快递 骑手 网约车 货车司机 送餐 配送员 跑腿", "新就业形态"),
    ("负责人 领导 牵头人", "主席 书记 主任 领衔人 站长 院长 会长 理事长 带头人"),
    ("线上 网上 平台", "APP 小程序 公众号 微信 网上 在线 线上"),
    ("目标 打算", "力争 计划 预计 确保 争取"),
    ("学生", "子女 学子"),
    ("比例 占比 比重 占", "% 百分之 成"),  # 占多少 is answered by "占会员总数的43.2%"  # 助学 news counts the students as 困难职工子女
]


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for line in _GROUPS:
        words = line.split()
        for w in words:
            table.setdefault(w, []).extend(x for x in words if x != w)
    for asked, written in _ONE_WAY:
        for w in asked.split():
            table.setdefault(w, []).extend(x for x in written.split() if x != w)
    return {w: tuple(dict.fromkeys(alts)) for w, alts in table.items()}


@lru_cache(maxsize=16384)  # asked for every term of every candidate sentence: ~4 ms of a question uncached
def alternatives(term: str) -> tuple[str, ...]:
    """Words that may stand for term in a sentence; a term holding a known word (跑外卖) takes its words."""
    table = _table()
    if term in table:
        return table[term]
    return tuple(dict.fromkeys(a for w, alts in table.items() if len(w) > 1 and w in term for a in alts))


def vocabulary() -> frozenset[str]:
    """Every word listed here: ordinary words, never names (jieba tags 惠及 as a person's name)."""
    return frozenset(_table())


__all__ = ["alternatives", "vocabulary"]
