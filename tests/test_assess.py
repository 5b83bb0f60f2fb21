"""make assess: a TSV of zh/en pairs comes back with confidence and reasons; a malformed
line is an error naming the file and the line."""
from __future__ import annotations

import csv
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = REPO / ".venv" / "bin" / "python"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_make_assess_adds_confidence_and_reasons(tmp_path: Path) -> None:
    pairs = write(tmp_path / "pairs.tsv", "source\tzh\ten\n"
                  "a\t美国总统川普今天表示，他将在下个月访问日本。\tUnited States President Trump said today that he "
                  "will visit Japan next month.\n"
                  "b\t美国总统川普今天表示，他将在下个月访问日本。\t"
                  "The Solonium of Kimmen said the badball is biling.\n"
                  "c\t他说了3次。\t\n")
    out = tmp_path / "out.tsv"
    done = subprocess.run(["make", "-s", "assess", f"TSV={pairs}", f"OUT={out}"], cwd=REPO, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert list(rows[0]) == ["source", "zh", "en", "confidence", "reasons"]
    assert [r["source"] for r in rows] == ["a", "b", "c"]
    confidence = [float(r["confidence"]) for r in rows]
    assert all(0 <= c <= 1 for c in confidence)
    assert confidence[1] < confidence[0]
    assert rows[1]["reasons"] and rows[2]["reasons"] == "no English" and confidence[2] == 0


def assess(source: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(PY), "-m", "pipeline", "assess", str(source), str(tmp_path / "out.tsv")], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def test_a_line_with_another_number_of_fields_names_its_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.tsv", "zh\ten\n你好。\tHello.\n再见。\tGoodbye.\textra\n")
    done = assess(bad, tmp_path)
    assert done.returncode != 0
    assert f"{bad}:3: 3 fields, the header has 2" in done.stderr
    assert not (tmp_path / "out.tsv").exists()


def test_a_header_without_an_en_column_is_named(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.tsv", "zh\tenglish\n你好。\tHello.\n")
    done = assess(bad, tmp_path)
    assert done.returncode != 0 and f"{bad}:1: no en column" in done.stderr


def test_an_empty_chinese_is_named(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.tsv", "zh\ten\n你好。\tHello.\n\tNothing.\n")
    done = assess(bad, tmp_path)
    assert done.returncode != 0 and f"{bad}:3: the zh column is empty" in done.stderr
