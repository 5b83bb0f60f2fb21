"""Word senses: the dictionary's senses of a sentence's content words, looked for in its
English; a word none of whose senses is there is tried again with its news sense written
in English, and else named on its row."""
from __future__ import annotations

import dataclasses

from pipeline.checks.english import entities, unsensed_words
from pipeline.checks.estimate import CHECK_GROUPS
from pipeline.checks.rows import assess_sentence, placed_findings
from pipeline.lang import glossary, senses
from pipeline.lang.senses import Word
from pipeline.model.aligned import Row
from pipeline.model.document import Block, Document, Meta
from pipeline.model.translations import Translation
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment
from pipeline.stages.translate import memory_key
from pipeline.stages.translate.engine import QUALITIES, default_model
from pipeline.stages.translate.inputs import Attempts, looked_up, prepare


def sentence(text: str):
    doc = segment(convert(Document("t", "t.md", Meta(title="標題", language="zh-Hans"), [Block("paragraph", text)])))
    return doc.blocks[0].sentences[0]


def test_a_sense_is_read_without_its_labels_pointers_and_classifiers() -> None:
    word = senses.word("季增", ["(finance) quarter-on-quarter growth (i.e. compared with the quarter before)",
                                "CL:个[ge4]", "see also 年增[nian2 zeng1]", "variant of 季赠[ji4 zeng4]"])
    assert word.senses == ("quarter-on-quarter growth",)
    assert word.news == "quarter-on-quarter growth"
    assert senses.word("某词", ["CL:个[ge4]", "abbr. for 某某词[mou3 mou3 ci2]"]) is None


def test_the_news_sense_is_a_labelled_one_else_the_first_never_an_old_or_long_one() -> None:
    assert senses.word("传球", ["to hand over", "(sports) to pass the ball"]).news == "pass the ball"
    assert senses.word("开发", ["to exploit; to develop", "development"]).news == "exploit"
    assert senses.word("足下", ["(literary) you", "at one's feet"]).news == ""
    assert senses.word("长词", ["a thing that is described at length in many words"]).news == ""


def test_english_is_lemmatised_so_an_inflected_sense_is_traced() -> None:
    grow = Word("增长", ("to grow", "to increase"))
    assert grow.traced("Sales increased by a fifth.")
    assert grow.traced("Revenue growth slowed.")
    assert Word("经济", ("economy",)).traced("economic policy")
    assert not Word("营收", ("sales", "income", "revenue")).traced("The company received 21 per cent more.")
    assert senses.lemma("companies") == senses.lemma("company")


def test_only_rare_content_words_are_looked_up_and_names_and_glossary_terms_are_left_out() -> None:
    text = "该公司去年净利大幅下滑，董事长王建国决定停产并回购股票。"
    found = senses.words([text], [{"董事长"}])[0]
    assert [w.zh for w in found] == ["净利", "停产", "回购"]
    # a pronoun (该), a time word (去年), an adverb (大幅), a person (王建国), the
    # glossary's term (董事长), and words too common to judge (公司, 下滑, 决定, 股票)
    assert found[0] == Word("净利", ("net profit",), "net profit")


def test_a_word_missing_from_the_english_is_a_reason_in_the_checks_style() -> None:
    finding, = unsensed_words([("净利", "net profit")])
    assert (finding.kind, finding.zh) == ("sense", "净利")
    assert finding.reason == "净利: net profit? not in the English"
    assert "sense" in CHECK_GROUPS["check_sense"]  # a feature of the quality estimator


def test_the_quality_stage_places_the_reason_on_the_row_holding_the_word() -> None:
    s = sentence("这家上市公司的发言人周二表示，今年第三季度的净利明显下降。")
    rows = [Row([s.clauses[0]], "The company's spokesman said on Tuesday", s.id),
            Row([s.clauses[1]], "that the net rate fell markedly in the third quarter.", s.id)]
    unit = Translation(s.id, s.hans, [], [], [[], []], unsensed=[("净利", "net profit")])
    first, second = placed_findings(rows, unit, entities(glossary.load([])))
    assert first == []
    assert [f"{f.kind}: {f.reason}" for f in second] == ["sense: 净利: net profit? not in the English"]
    assess_sentence(rows, unit, entities(glossary.load([])))
    assert rows[1].confidence < rows[0].confidence
    assert rows[1].reasons in ([], ["sense: 净利: net profit? not in the English"])  # listed only below the threshold


def test_an_editor_or_labelled_english_is_judged_by_the_same_senses() -> None:
    """The evaluation forces labelled English on the model: its words are looked up too."""
    s = sentence("该公司去年净利大幅下滑，决定停产。")
    prep = prepare(s, glossary.load([]), "2025-01-01")
    english = "Last year the company's pure interest fell and it stopped production."
    unit, = default_model().force([s], [prep], [english])
    assert unit.unsensed == [("净利", "net profit")]


def test_the_memory_key_changes_with_the_dictionary_senses() -> None:
    attempt = looked_up([Attempts(sentence("该公司净利大幅下滑。"), glossary.load([]), "2025-01-01")])[0]
    assert attempt.words
    key = memory_key(attempt, QUALITIES["default"])
    assert key == memory_key(dataclasses.replace(attempt, words=None), QUALITIES["default"])
    other = tuple(dataclasses.replace(w, senses=w.senses + ("a new sense",)) for w in attempt.words)
    assert key != memory_key(dataclasses.replace(attempt, words=other), QUALITIES["default"])
