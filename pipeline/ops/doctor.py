"""make doctor: is everything the build needs in place, and if not, what to do about it.

Each check looks at one thing the way the build itself uses it (fontconfig for the
fonts WeasyPrint asks for, WeasyPrint's own HarfBuzz subsetter, pypandoc's pandoc,
the model's and CC-CEDICT's pinned checksums, the translation memory, the browser the tests drive),
and says "ok" with what it found or "FIX" with the command or step that fixes it.
"""
from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.stages.translate import provision

# The faces the page and PDF templates ask for.
FONTS = ("Noto Serif CJK TC", "Noto Serif CJK SC", "Noto Sans CJK TC", "Noto Sans CJK SC")
BROWSER = (Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver"))


@dataclass
class Diagnosis:
    what: str
    ok: bool
    detail: str      # what was found, or how to fix it

    def line(self) -> str:
        return f"{'ok ' if self.ok else 'FIX'}  {self.what:22} {self.detail}"


def fonts() -> Diagnosis:
    if not shutil.which("fc-match"):
        return Diagnosis("CJK fonts", False, "fontconfig is missing: apt-get install fontconfig fonts-noto-cjk")
    missing = [f for f in FONTS if subprocess.run(["fc-match", "-f", "%{family}", f], capture_output=True,
                                                   text=True).stdout.split(",")[0] != f]
    if missing:
        return Diagnosis("CJK fonts", False, f"{', '.join(missing)} not installed: apt-get install fonts-noto-cjk")
    return Diagnosis("CJK fonts", True, ", ".join(FONTS))


def harfbuzz_subset() -> Diagnosis:
    try:
        from weasyprint.text import ffi
    except (ImportError, OSError) as err:
        return Diagnosis("WeasyPrint", False, f"cannot load ({err}): run make (installs the venv)")
    if getattr(ffi, "harfbuzz_subset", None) is None:
        return Diagnosis("HarfBuzz subsetting", False, "libharfbuzz-subset0 missing (PDFs embed whole CJK fonts, "
                                                     "slow and huge): apt-get install libharfbuzz-subset0")
    return Diagnosis("HarfBuzz subsetting", True, "libharfbuzz-subset loaded by WeasyPrint")


def pandoc() -> Diagnosis:
    try:
        import pypandoc
        return Diagnosis("pandoc", True, f"{pypandoc.get_pandoc_version()} ({pypandoc.get_pandoc_path()})")
    except (ImportError, OSError, RuntimeError) as err:
        return Diagnosis("pandoc", False, f"not found ({err}): run make (pypandoc-binary carries pandoc)")


def model() -> Diagnosis:
    try:
        directory = provision.locate()  # where translation will look ($BRIEFS_MODEL first)
    except provision.ModelNotFound as err:
        return Diagnosis("translation model", False, str(err))
    if not provision.package_ok(directory):
        return Diagnosis("translation model", False, f"{directory} does not match the pinned sha256: delete it "
                                                   "and run make to install it again")
    return Diagnosis("translation model", True, f"{directory}, sha256 {provision.MODEL_BIN_SHA256[:12]}… checked")


def dictionary() -> Diagnosis:
    from pipeline.errors import SourceError
    from pipeline.lang.cedict import cedict_release
    try:
        return Diagnosis("CC-CEDICT", True, f"release {cedict_release()}, sha256 checked")
    except SourceError as err:
        return Diagnosis("CC-CEDICT", False, f"{err}")


def memory() -> Diagnosis:
    from pipeline.stages.translate.memory import Memory
    store = Memory()
    if store.db is None:
        return Diagnosis("translation memory", False, f"{store.path} cannot be opened: builds translate everything; "
                                                    "make clean-memory, or set MEMORY=path")
    return Diagnosis("translation memory", True, f"{store.path}, {store.size()} sentences")


def browser() -> Diagnosis:
    missing = [str(p) for p in BROWSER if not p.is_file()]
    if missing:
        return Diagnosis("browser for tests", False, f"{', '.join(missing)} missing: make test installs them "
                                                   "(apt-get install chromium chromium-driver)")
    return Diagnosis("browser for tests", True, " and ".join(map(str, BROWSER)))


CHECKS: tuple[Callable[[], Diagnosis], ...] = (fonts, harfbuzz_subset, pandoc, model, dictionary, memory, browser)


def examine() -> list[Diagnosis]:
    return [check() for check in CHECKS]
