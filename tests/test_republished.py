"""Republished copies (转载): the content fingerprint on literal Chinese text, the grouping rules, and a real
store holding the sample plus copies, which must answer as without them, cite the canonical document, name
the copies, and promote a copy when the canonical document is removed."""

from __future__ import annotations

import json
import random

import opencc
import pytest

from assistant import Assistant, Reprint, reprints_line
from bench.republished import write_copies
from core.copies import Member, plan_roles
from core.fingerprint import CandidateIndex, fingerprint, same_article, similarity
from tests.conftest import SAMPLE

ARTICLE = (
    "海宁市总工会2024年送温暖活动启动\n"
    "本报讯（记者 王振华）\n"
    "1月10日，海宁市总工会在市职工服务中心启动2024年“两节”送温暖活动，市总工会领导班子成员分赴各镇街走访慰问困难职工。\n"
    "今年全市各级工会计划筹集送温暖资金680万元，慰问困难职工、劳模和一线职工共计1.2万人次，比去年增加两千人次。\n"
    "活动期间，市总工会还将组织医疗专家进企业开展义诊，为新就业形态劳动者发放暖心礼包，并在火车站设立爱心驿站。\n"
    "市总工会主要负责人表示，要把党和政府的关怀送到职工心坎上，让广大职工群众过一个欢乐祥和的新春佳节。\n"
)
SAME_TOPIC = (
    "宜昌市总工会开展2024年元旦春节送温暖活动\n"
    "1月8日，宜昌市总工会启动元旦春节送温暖活动，市总工会班子成员带队深入企业和社区，走访慰问困难职工家庭。\n"
    "据介绍，今年全市工会系统共筹集资金1500万元，重点慰问困难职工、农民工和新就业形态劳动者约3万人次。\n"
    "市总工会还在全市设立了二十个“工会驿站”春节服务点，为返乡务工人员提供免费热水、休息和法律咨询服务。\n"
    "市总工会负责人表示，各级工会要把温暖送到职工心坎上，切实增强职工群众的获得感、幸福感和安全感。\n"
)


def reposted(text: str) -> str:
    """A repost as sites make one: their own header and footer, another title line and byline."""
    body = text.split("\n", 2)[2]
    return ("工会新闻网首页 > 新闻中心 > 基层动态\n来源：浙江工人日报  发布时间：2024-01-12  浏览次数：356\n"
            "【转载】海宁总工会启动两节送温暖\n作者：王振华\n" + body
            + "（本文转载自浙江工人日报，版权归原作者所有，如有侵权请联系删除。）\n责任编辑：李明\n扫一扫分享本页 打印 关闭\n")


def test_identical_and_reformatted_bodies_have_one_exact_fingerprint():
    spaced = ARTICLE.replace("，", ", ").replace("。", ". ").replace("\n", "\n\n　")
    assert fingerprint(ARTICLE) == fingerprint(ARTICLE)
    assert fingerprint(spaced).exact == fingerprint(ARTICLE).exact  # white space and punctuation width


def test_a_repost_with_other_boilerplate_title_and_byline_is_the_same_article():
    assert same_article(fingerprint(reposted(ARTICLE)), fingerprint(ARTICLE))


def test_the_traditional_script_copy_is_the_same_article():
    traditional = opencc.OpenCC("s2tw").convert(ARTICLE)
    assert traditional != ARTICLE
    assert similarity(fingerprint(traditional), fingerprint(ARTICLE)) >= 0.9


def test_a_copy_with_a_few_edited_characters_is_the_same_article():
    edited = ARTICLE.replace("走访慰问", "看望慰问").replace("比去年", "较去年").replace("并在火车站", "还在火车站")
    s = similarity(fingerprint(edited), fingerprint(ARTICLE))
    assert 0.5 <= s < 1.0


def test_different_articles_on_the_same_topic_are_different():
    assert similarity(fingerprint(SAME_TOPIC), fingerprint(ARTICLE)) < 0.2
    assert not same_article(fingerprint(reposted(SAME_TOPIC)), fingerprint(reposted(ARTICLE)))


def test_a_short_text_is_compared_by_its_exact_hash_only():
    assert fingerprint("工会简讯").minhash == ()
    assert not same_article(fingerprint("市总工会召开全委会议。"), fingerprint("区总工会召开全委会议。"))


def test_grouping_picks_the_earliest_dated_copy_and_regroups_when_it_goes():
    original, repost, late = fingerprint(ARTICLE), fingerprint(reposted(ARTICLE)), fingerprint(SAME_TOPIC)
    stored = [Member("a/转载.txt", repost, "2024-01-12", 1.0), Member("b/其他.txt", late, "2024-01-08", 2.0)]
    roles = plan_roles([Member("c/原文.txt", original, "2024-01-10")], stored)
    assert roles == {"c/原文.txt": "", "a/转载.txt": "c/原文.txt"}  # the earlier original wins; 其他 untouched
    # The canonical document was removed: its copies are orphans, re-decided among themselves.
    left = [Member("a/转载.txt", repost, "2024-01-12", 1.0, "c/原文.txt"),
            Member("d/又一篇.txt", original, "2024-01-12", 3.0, "c/原文.txt")]
    assert plan_roles([], left) == {"a/转载.txt": "", "d/又一篇.txt": "a/转载.txt"}  # same date: ingested first


def test_copies_are_candidates_and_distinct_articles_mostly_are_not():
    # The band index decides who is compared at all: a repost, an edited copy and a traditional copy share a
    # band with the original; a same-topic article of another union does not, and neither do the variants
    # made by swapping places and figures into the body (how a large archive differs from itself).
    edited = ARTICLE.replace("走访慰问", "看望慰问").replace("比去年", "较去年").replace("并在火车站", "还在火车站")
    traditional = opencc.OpenCC("s2t").convert(ARTICLE)
    others = [ARTICLE.replace("海宁", city).replace("680", str(300 + 7 * i)).replace("1.2万", f"{i}.{i}万")
              .replace("1月10日", f"{i % 12 + 1}月{i % 28 + 1}日")
              for i, city in enumerate(["嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水"], start=1)]
    index = CandidateIndex([fingerprint(t) for t in [ARTICLE, SAME_TOPIC]])
    for copy in (reposted(ARTICLE), edited, traditional):
        assert index.candidates(fingerprint(copy)) >= {0}
    assert 1 not in index.candidates(fingerprint(reposted(ARTICLE)))
    assert index.candidates(fingerprint(reposted(SAME_TOPIC))) == {1}
    prints = [fingerprint(t) for t in others]
    compared = set(CandidateIndex(prints).pairs())
    truly_same = {(i, j) for i in range(len(prints)) for j in range(i + 1, len(prints)) if same_article(prints[i], prints[j])}
    assert truly_same <= compared  # nothing the full comparison would group is missed


def test_grouping_a_large_batch_compares_candidates_only():
    # 3,000 distinct articles (sentences drawn from a pool of union-news words) and 20 copies of one: the
    # old all-pairs loop made 4.5 million comparisons.
    words = ("职工 工会 服务 阵地 建设 推进 慰问 困难 劳模 新就业形态 劳动者 驿站 会员 入会 维权 法律 援助 培训 技能 竞赛 "
             "女职工 关爱 帮扶 资金 万元 企业 园区 社区 货车司机 快递员 外卖 骑手 集体 协商 工资 安全 生产 健康 体检 疗休养").split()
    rng = random.Random(7)
    texts = ["。".join("".join(rng.choice(words) for _ in range(12)) for _ in range(6)) + "。" for _ in range(3000)]
    members = [Member(f"n/{i}.txt", fingerprint(t)) for i, t in enumerate(texts)]
    members += [Member(f"c/{i}.txt", fingerprint(reposted(ARTICLE)), "2024-01-12") for i in range(20)]
    assert len(list(CandidateIndex([m.fingerprint for m in members]).pairs())) < 20_000
    roles = plan_roles(members, [])
    assert sum(1 for m in members[:3000] if roles[m.source]) == 0
    assert sorted(roles[m.source] for m in members[3000:]).count("") == 1


def test_the_reprints_line_names_titles_and_file_names_not_paths():
    line = reprints_line((Reprint("/srv/data/转载_1.txt", "送温暖", "2024-01-12"), Reprint("/srv/x/2.txt", "", "")))
    assert line == "另见：《送温暖》（转载_1.txt，2024-01-12）、《2.txt》（2.txt，日期不详），共 2 处转载"
    assert "/srv" not in line


QUESTIONS = ["什邡市总工会建立新就业形态工会组织多少家？", "盱眙县总工会今年上半年新建了多少家工会？"]


@pytest.fixture
def copies_store(warm_store, sample_copy, tmp_path):
    """The sample plus five copies of two of its files (renamed, site boilerplate, edits, one traditional)."""
    a = Assistant(store=warm_store)
    a.ingest([str(sample_copy)])
    files = [sample_copy / "000_e5d006b3dd77aca2.txt", sample_copy / "002_bd9d97b2e13d7eae.txt"]
    copies = write_copies(sample_copy, tmp_path / "reposts", 5, files)
    report = a.ingest([str(p) for p in copies])
    return a, report, copies, files


def test_copies_do_not_change_answers_and_are_named_as_where_else_it_appeared(copies_store, sample_assistant):
    a, report, copies, (f000, f002) = copies_store
    assert not report.rejected and len(report.copies) == 5 and report.embedded == 0  # copies are never embedded
    assert "转载" in report.summary()
    stats = a.stats()
    assert stats["copies"] == 5 and stats["documents"] == 10
    assert stats["chunks"] == sample_assistant.stats()["chunks"]  # the index did not grow
    for question, original, reposts in ((QUESTIONS[0], f000, copies[0::2]), (QUESTIONS[1], f002, copies[1::2])):
        answer = a.ask(question)
        assert answer.answer == sample_assistant.ask(question).answer
        assert {c.source for c in answer.citations} == {str(original.resolve())}
        named = {r.source for c in answer.citations for r in c.also_in}
        assert named == {str(p.resolve()) for p in reposts}
        assert "另见：" in answer.to_text() and "处转载" in answer.to_text()
        cited = json.loads(json.dumps(answer.to_json(), ensure_ascii=False))["citations"][0]
        assert {r["source"] for r in cited["also_in"]} == named and set(cited["also_in"][0]) == {"source", "title", "date"}


def test_removing_the_canonical_document_promotes_a_copy(copies_store):
    a, _, copies, (f000, _) = copies_store
    reposts = {str(p.resolve()) for p in copies[0::2]}
    assert a.remove(str(f000))
    promoted = [s for s in reposts if not a.document(s).copy_of]
    assert len(promoted) == 1
    assert all(a.document(s).copy_of == promoted[0] for s in reposts - set(promoted))
    assert a.document(promoted[0]).n_chunks > 0
    answer = a.ask(QUESTIONS[0])
    assert not answer.refused and "54" in answer.answer
    assert {c.source for c in answer.citations} == set(promoted)
    assert {r.source for c in answer.citations for r in c.also_in} == reposts - set(promoted)
    assert a.stats()["copies"] == 4 and not a.check_store()


def test_the_citation_card_names_the_copies_without_paths():
    from assistant import Citation
    from ui.render import citation_card

    c = Citation(1, "/srv/store/原文.txt", "送温暖", "2024-01-10", "市总工会启动送温暖活动。", "x", 0, 12,
                 also_in=(Reprint("/srv/reposts/转载_<1>.txt", "送温暖", "2024-01-12"),))
    card = citation_card(c, 0)
    assert "另见：《送温暖》（转载_&lt;1&gt;.txt，2024-01-12），共 1 处转载" in card and "/srv/reposts" not in card


def test_a_remove_killed_before_the_promotion_is_found_and_repaired_by_doctor(copies_store):
    a, _, copies, (_, f002) = copies_store
    a.store.remove(str(f002.resolve()))  # the store's half of a remove: as if killed before the copies settled
    problems = a.check_store()
    assert [p.kind for p in problems] == ["orphan-copies"] and not problems[0].repaired
    assert "原文已不在资料库" in problems[0].message
    assert [p.kind for p in a.check_store(repair=True)] == ["orphan-copies"] and not a.check_store()
    answer = a.ask(QUESTIONS[1])
    assert not answer.refused and "32" in answer.answer
    assert {c.source for c in answer.citations} <= {str(p.resolve()) for p in copies[1::2]}
