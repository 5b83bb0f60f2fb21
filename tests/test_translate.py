"""The translate stage's own model work: what the "dropped" check scores, which names are
written in English before the first search, and retries."""
from __future__ import annotations

import re

from pipeline.checks.english import dropped
from pipeline.checks.rows import DROPPED_RELIANCE
from pipeline.lang import glossary
from pipeline.lang.glossary import Glossary, Term
from pipeline.model.document import Block, Document, Meta
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment
from pipeline.stages.translate.choice import Candidate
from pipeline.stages.translate.engine import QUALITIES, default_model
from pipeline.stages.translate.inputs import Attempts, prepare
from pipeline.stages.translate.reliance import EXACT_RELIANCE, STRETCH, measure_reliance


def sentence(text: str):
    doc = segment(convert(Document("t", "t.md", Meta(title="標題", language="zh-Hans"), [Block("paragraph", text)])))
    return doc.blocks[0].sentences[0]


def test_a_dropped_speaker_is_scored_and_a_well_attended_stretch_is_not() -> None:
    """Leaving each stretch out and scoring the English again costs a third of a search
    per stretch; a stretch the English attends to strongly is taken as carried. The one
    the English leaves out is still scored and found; the ones skipped, scored anyway,
    are ones the English does rely on."""
    model = default_model()
    zh = "市政府发言人介绍，今年前三季度全市共新建学校十二所，新增学位一万五千个。"
    english = "In the first three quarters of this year, 12 new schools were built and 15,000 new places were added."
    s = sentence(zh)
    prep = prepare(s, glossary.load([]), "2025-01-01")
    unit = model.force([s], [prep], [english])[0]
    scored = dict(unit.reliance)
    assert [f.zh for f in dropped(unit.reliance, DROPPED_RELIANCE)] == ["市政府发言人介绍"]
    skipped = [m for m in STRETCH.finditer(unit.source) if m.group(0) not in scored and len(m.group(0)) >= 4]
    assert skipped, "no stretch was attended enough to be skipped"
    tokens = [model.tokenize(unit.source)] + [model.tokenize(unit.source[:m.start()] + unit.source[m.end():])
                                              for m in skipped]
    full, *without = [sum(r.log_probs) for r in model.translator.score_batch(tokens, [unit.pieces] * len(tokens))]
    assert all(full - w > DROPPED_RELIANCE for w in without)



def test_a_loss_near_the_threshold_is_measured_exactly_whatever_the_search_scored() -> None:
    """The search's own score of the English stands in for scoring it again with the
    whole input, but it can be off (by up to 2.6 nats in news): a sentence with a loss
    near the "dropped" threshold is scored again, one far above it is not."""
    assert DROPPED_RELIANCE + 3 < EXACT_RELIANCE
    model = default_model()
    cases = [("市政府发言人介绍，今年前三季度全市共新建学校十二所，新增学位一万五千个。",
              "In the first three quarters of this year, 12 new schools were built and 15,000 new places were added."),
             ("据当地媒体报道，该公司去年的利润增长了百分之十五，但员工人数有所减少。",
              "According to local media reports, the company's profits increased by 15 per cent over the past year, "
              "but the number of employees decreased.")]
    sentences = [sentence(zh) for zh, _ in cases]
    units = model.force(sentences, [prepare(s, glossary.load([]), "2025-01-01") for s in sentences],
                        [en for _, en in cases])
    exact = [dict(u.reliance) for u in units]
    assert exact[0]["市政府发言人介绍"] < DROPPED_RELIANCE < EXACT_RELIANCE < exact[1]["据当地媒体报道"]
    # The same English as if a search had found it, its score off by 3 nats.
    found = model.translator.translate_batch([model.tokenize(u.source) for u in units],
                                             target_prefix=[u.pieces for u in units], beam_size=1,
                                             return_attention=True)
    off = [Candidate(u.pieces, r.attention[0][:len(u.pieces)], 0.0, 0) for u, r in zip(units, found)]
    for unit, candidate, score in zip(units, off, model.score([(u.source, u.pieces) for u in units])):
        candidate.score = (score + 3) / (len(unit.pieces) + 1)
        unit.reliance = []
    measure_reliance(model, units, off)
    assert abs(dict(units[0].reliance)["市政府发言人介绍"] - exact[0]["市政府发言人介绍"]) < 0.02
    assert abs(dict(units[1].reliance)["据当地媒体报道"] - exact[1]["据当地媒体报道"] - 3) < 0.05



def test_a_name_the_model_cannot_translate_alone_is_in_english_from_the_first_search() -> None:
    """Names found in the article (not the glossary's) reach the model in Chinese, unless
    the model, given one alone, writes none of its English: then the sentence would miss
    it and be searched again, so it is written in English from the start."""
    model = default_model()
    found = {"胡巧立": Term("胡巧立", "Hu Qiaoli", ["Hu Qiaoli"], "person", "romanized"),
             "巴塞罗那": Term("巴塞罗那", "Barcelona", ["Barcelona"], "place", "cedict")}
    terms = Glossary({**glossary.load([]).terms, **found})
    attempt = Attempts(sentence("管理处主任胡巧立介绍，今年前往巴塞罗那的游客大幅增加。"), terms, "2025-01-01")
    assert set(attempt.names()) == set(found)
    assert model.unknown_names([attempt], 4) == {"胡巧立"}
    unit = model.translate([attempt])[0]
    assert "Hu Qiaoli" in unit.source and "巴塞罗那" in unit.source
    assert "Hu Qiaoli" in unit.text and "Barcelona" in unit.text


def test_a_sentence_failing_every_retry_is_searched_wider_only_after_a_greedy_search(monkeypatch) -> None:
    """Retries change the input first (the names missed, then every term in English); a
    wider search of the best input comes last and only after a greedy search: after a
    beam of 4 it seldom fixes anything."""
    model = default_model()
    impossible = Term("计划", "plan", ["Qqqqq"], "term")  # no English can carry it
    attempt = Attempts(sentence("这项计划今年开始实施。"), Glossary({**glossary.load([]).terms, "计划": impossible}),
                       "2025-01-01")
    beams: list[int] = []
    search = model.search
    monkeypatch.setattr(model, "search", lambda sources, beam: beams.append(beam) or search(sources, beam))
    unit = model.translate([attempt], QUALITIES["default"])[0]
    assert beams == [4, 4]  # the first search, then every term in English
    assert unit.source == "这项计划今年开始实施。"  # no retry did better: the first input's English is kept
    beams.clear()
    model.translate([attempt], QUALITIES["fast"])
    assert beams == [1, 1, 8]


def test_a_taiwan_papers_dateline_and_amounts_read_as_such() -> None:
    """The dateline's 日電 is the 31st's dispatch, not the company NEC (CC-CEDICT's 日电),
    and a Taiwan paper's 元 is the New Taiwan dollar, named once."""
    from pipeline.lang.typography import house_style
    from pipeline.stages import names
    from pipeline.stages.translate import translate
    text = ("（中央社記者王小明台北31日電）台積電今天公布第三季營收9899.2億元新台幣，"
            "另一家公司營收為320億元。")
    doc = segment(convert(Document("t", "t.md", Meta(title="營收", language="zh-Hant-TW", date="2025-10-31"),
                                   [Block("paragraph", text)])))
    found = names.find(doc, glossary.load([]))
    english = " ".join(u.text for u in translate(doc, names=found).units.values())
    assert "NEC" not in english
    assert "989.92 billion New Taiwan dollars" in english and "32 billion New Taiwan dollars" in english, english
    assert "yuan" not in english and "NTD" not in english, english
    assert "NT$989.92 billion" in house_style(english)


def test_a_trillion_keeps_its_scale_and_currency() -> None:
    """Given "15.4 trillion yuan" the model wrote "15.4 yuan"; given 15.4万亿元人民币, RMB 15.4 trillion."""
    from pipeline.stages.translate import translate
    doc = segment(convert(Document("t", "t.md", Meta(title="贷款", language="zh-Hans-CN"),
                                   [Block("paragraph", "前11个月人民币贷款增加15.4万亿元。")])))
    english = " ".join(u.text for u in translate(doc).units.values())
    assert re.search(r"15\.4 trillion", english) and "$" not in english, english
