"""Shared fixtures: one real build (model, OpenCC, pandoc, WeasyPrint) of the seeds
plus two problem articles, in a temporary folder, driven by the real Makefile."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from pipeline import jsonio
from pipeline.model.aligned import AlignedDocument
from pipeline.model.segments import SegmentedDocument
from pipeline.stages.read import read
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "source").glob("*.md"))
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
# Articles from other sources (Taiwan, mainland, Hong Kong) with names no glossary lists.
UNSEEN = sorted((REPO / "tests" / "data" / "articles").glob("*.md"))

INJECTION = """---
title: 測試<script>alert("標題")</script>
date: 2025-11-21
---

記者會上有人寫下<script>alert("x")</script>這段文字。
"""
# Every construct a reader must turn into rows: a footnote, an inline image's alt text, a
# quote, a table, a nested list, a figure.
STRUCTURES = """---
title: 結構測試：各種版面元素
date: 2025-10-16
---

立法院今天通過預算案[^1]，會場外有民眾抗議![抗議民眾在場外舉牌](protest.jpg)。

> 行政院長表示：「預算將用於改善交通。」

| 項目 | 金額 |
|---|---|
| 交通建設 | 120億元 |
| 社會福利 | 80億元 |

- 第一項：鐵路
    - 高雄捷運延伸線
- 第二項：公路

![新建的捷運車站外觀](station.jpg)

[^1]: 預算總額為兩千億元。
"""
MALFORMED = """---
title: [沒有結束的標題
date: 2025-11-21
---

這篇文章的前置資料壞了。
"""


@dataclass
class Build:
    root: Path
    source: Path
    out: Path
    first: subprocess.CompletedProcess

    def make(self, *args: str) -> subprocess.CompletedProcess:
        return make(self.source, self.out, *args)


def make(source: Path, out: Path, *args: str, memory: Path | None = None) -> subprocess.CompletedProcess:
    """`make` in the repository for these folders; the translation memory beside the build
    folder unless `memory` says otherwise, so no test reads what another run left."""
    memory = memory or out.parent / "translation-memory.sqlite3"
    return subprocess.run(["make", "-C", str(REPO), f"SOURCE_DIR={source}", f"BUILD_DIR={out}",
                           f"MEMORY={memory}", *args], capture_output=True, text=True, timeout=1200)


def logged(out: Path) -> list[str]:
    """The stage lines of the last `make` into `out`, from build/build.log (the terminal
    gets one line per article)."""
    log = out / "build.log"
    return log.read_text(encoding="utf-8").split("\n--- ")[-1].splitlines()[1:] if log.is_file() else []


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("briefs")
    source = root / "source"
    source.mkdir()
    for article in [*SEEDS, *UNSEEN]:
        shutil.copy(article, source / article.name)
    (source / "injection.md").write_text(INJECTION, encoding="utf-8")
    (source / "structures.md").write_text(STRUCTURES, encoding="utf-8")
    shutil.copy(REPO / "tests" / "data" / "office" / "hualien.docx", source)  # saved by LibreOffice
    (source / "malformed.md").write_text(MALFORMED, encoding="utf-8")
    return Build(root, source, root / "build", make(source, root / "build"))


@pytest.fixture
def copied(build: Build, tmp_path: Path) -> Build:
    """The built seed briefs copied (times kept, so make redoes only what changes) into tmp_path,
    with the session build's QUALITY stamp and translation memory."""
    source, out = tmp_path / "source", tmp_path / "build"
    source.mkdir()
    for seed in SEEDS:
        shutil.copy2(build.source / seed.name, source)
        shutil.copytree(build.out / seed.stem, out / seed.stem)
    shutil.copy2(build.out / ".quality", out / ".quality")  # else make records QUALITY anew and re-translates
    shutil.copy2(build.root / "translation-memory.sqlite3", tmp_path / "translation-memory.sqlite3")
    return Build(tmp_path, source, out, build.first)


@pytest.fixture(scope="session")
def segmented() -> dict[str, SegmentedDocument]:
    return {p.stem: segment(convert(read(p))) for p in SEEDS}


def aligned(build: Build, slug: str) -> AlignedDocument:
    return jsonio.load(AlignedDocument, build.out / slug / "aligned.json")


CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def chromium(width: int = 1280, height: int = 1024) -> webdriver.Chrome:
    """Debian's chromium, headless, through its own chromedriver (selenium downloads nothing)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.fail(f"{' and '.join(missing)} missing: run `make test`, which installs chromium and "
                    "chromium-driver before running the tests")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # --no-sandbox: chromium refuses to start as root (CI containers) with its sandbox on.
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}"]:
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
