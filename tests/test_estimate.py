"""The quality estimator: a probability per row, garbled English below right English, reasons
where no check explains the doubt, and `make train-qe` reproducible byte for byte."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pipeline.checks import estimate
from pipeline.checks.english import Finding
from pipeline.checks.estimate import Evidence
from pipeline.model.translations import Translation
from pipeline.ops.assess import judge_batch, remember_search
from pipeline.stages.translate.engine import default_model

REPO = Path(__file__).resolve().parent.parent
ZH = "美国总统川普今天表示，他将在下个月访问日本。"
RIGHT = "United States President Trump said today that he will visit Japan next month."
GARBLED = "The Solonium of Kimmen said that the badball will be biling in the ring."


def test_the_shipped_parameters_fit_the_code() -> None:
    data = json.loads(estimate.PARAMETERS.read_text("utf-8"))
    assert tuple(data["model"]["features"]) == estimate.FEATURES
    assert 0 < data["threshold"] < 1
    fitted = estimate.load()
    assert len(fitted.weights) == len(fitted.mean) == len(fitted.scale) == len(estimate.FEATURES)


def test_garbled_english_is_less_likely_right_than_a_right_one() -> None:
    model = default_model()
    search = model.search
    try:
        (right, right_reasons), (garbled, garbled_reasons) = judge_batch([(ZH, RIGHT), (ZH, GARBLED)], model,
                                                                        remember_search(model))
    finally:
        model.search = search
    assert 0 <= garbled < right <= 1
    assert garbled < estimate.load().threshold and garbled_reasons
    assert right >= estimate.load().threshold and right_reasons == []


def test_words_that_are_no_english_are_found_names_written_are_not() -> None:
    unit = Translation("s", ZH, [], [], [])
    seen = Evidence("金门的李洋", "Lee Yang of Kimmen played badball with Zelensky on his iPhone", unit, [],
                    written={"zelensky"})
    found = estimate.words(Evidence("金门的李洋iPhone", seen.english, unit, [], {"zelensky"}))
    assert found.nonwords == ["badball"]
    assert "Kimmen" in found.unknown and "Zelensky" not in found.unknown and "iPhone" not in found.unknown


def test_a_doubted_row_no_check_explains_says_why() -> None:
    """The model's doubt and an unknown word, no finding: the reasons name them."""
    unit = Translation("s", ZH, [], [], [], score=-2.5, agreement=0.3)
    seen = Evidence(ZH, "Solonium Kimmen said the Trump will go to Japan next month.", unit, [])
    fitted = estimate.load()
    values = estimate.features(seen)
    assert fitted.probability(values) < fitted.threshold
    reasons = estimate.explain(seen, values, fitted)
    assert reasons and all(isinstance(r, Finding) for r in reasons)
    said = " ".join(r.reason for r in reasons)
    assert "Solonium" in said or "unsure" in said or "disagree" in said, said


def test_training_is_reproducible_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few labelled rows of each data set, forced through the model twice from an empty
    cache: the same file both times."""
    sys.path.insert(0, str(REPO / "bench"))
    import qe_data
    import train_qe
    made = []
    for run in ("a", "b"):
        monkeypatch.setattr(qe_data, "CACHE", tmp_path / run)
        made.append(train_qe.dumps(train_qe.train(limit=3)))
    assert made[0] == made[1]
    result = json.loads(made[0])
    assert result["training_data"]["limit"] == 3 and result["model"]["features"] == list(estimate.FEATURES)
