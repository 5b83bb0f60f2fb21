"""Segmentation: sentences, clauses, and nothing lost on the way."""
import opencc
import pytest

from pipeline.lang.chinese import detect_script
from pipeline.model.segments import SegmentedDocument
from pipeline.stages.segment import merge_short, project, units_of

from .conftest import SEEDS


def clauses(text: str) -> list[list[str]]:
    return units_of(text)


def test_sentence_keeps_its_closing_quote() -> None:
    text = "他說：「這份計畫必須確保和平。」美國官員為其計畫辯護。"
    units = clauses(text)
    assert ["".join(u) for u in units] == ["他說：「這份計畫必須確保和平。」", "美國官員為其計畫辯護。"]
    assert all(c.strip() not in ("」", "」。", "。」") for u in units for c in u)


def test_clauses_split_at_commas_but_not_inside_brackets() -> None:
    text = "由部長德里斯科（Daniel Driscoll，陸軍）率領的代表團會見總統，雙方討論了計畫細節；並表示將合作。"
    (unit,) = clauses(text)
    assert unit == ["由部長德里斯科（Daniel Driscoll，陸軍）率領的代表團會見總統，", "雙方討論了計畫細節；",
                    "並表示將合作。"]


def test_short_pieces_join_the_next_clause() -> None:
    assert merge_short(["他說：", "「我們重視美國的努力，", "並會合作。」"], 6) == [
        "他說：「我們重視美國的努力，", "並會合作。」"]
    assert merge_short(["長長的一個子句，", "然後。"], 6) == ["長長的一個子句，然後。"]


def test_long_sentences_stay_whole_for_the_model() -> None:
    # cutting at ； cost 0.1 chrF on the dev set: the model reads whole sentences
    text = ("根據路透檢視的計畫複本，草案包含烏克蘭官員先前視為近乎投降的條件；烏軍在近四年付出巨大代價擊退"
            "俄羅斯全面入侵後，仍明確排除這些內容，並且在談判中不斷重申這一立場。")
    units = clauses(text)
    assert len(units) == 1 and "".join(units[0]) == text
    assert any(c.endswith("；") for c in units[0])


def test_projection_onto_a_script_of_different_length() -> None:
    pieces = ["這是軟件，", "那是鼠標。"]
    assert project(pieces, "這是軟體，那是滑鼠。") == ["這是軟體，", "那是滑鼠。"]
    assert project(["U盤壞了，", "換一個。"], "隨身碟壞了，換一個。") == ["隨身碟壞了，", "換一個。"]


def test_script_detection() -> None:
    assert detect_script("烏克蘭總統澤倫斯基表示將與美國合作") == "zh-Hant"
    assert detect_script("乌克兰总统泽连斯基表示将与美国合作") == "zh-Hans"


@pytest.mark.parametrize("slug", [p.stem for p in SEEDS])
def test_seed_blocks_survive_segmentation(segmented: dict[str, SegmentedDocument], slug: str) -> None:
    from pipeline.stages.read import read
    from pipeline.stages.scripts import convert
    scripted = convert(read(next(p for p in SEEDS if p.stem == slug)))
    doc = segmented[slug]
    t2s = opencc.OpenCC("t2s.json")
    assert len(doc.blocks) == len(scripted.blocks)
    for block, source in zip(doc.blocks, scripted.blocks):
        assert block.kind == source.kind  # headings, captions, list items never merge
        for form in ("original", "hant", "hans"):
            joined = "".join(getattr(c, form) for s in block.sentences for c in s.clauses)
            assert joined == getattr(source.text, form)
        for sentence in block.sentences:
            for clause in sentence.clauses:
                assert clause.original == clause.hant  # the seeds are Traditional
                assert t2s.convert(clause.hans) == clause.hans
                assert clause.original.strip("」』）)】》。，；：！？ ")  # no clause of punctuation alone


def test_headings_without_punctuation_stay_alone(segmented: dict[str, SegmentedDocument]) -> None:
    doc = segmented["us-russia-peace-plan-pressure"]
    heading = next(b for b in doc.blocks if b.kind == "heading")
    assert len(heading.sentences) == 1
    assert heading.sentences[0].hans.startswith("计划核心") and heading.sentences[0].hans.endswith("北约")


