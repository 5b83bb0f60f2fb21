"""Model provisioning: only the pinned bytes are ever installed."""
from pathlib import Path

import pytest

from pipeline.stages.translate import provision


def test_wrong_bytes_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_TRANSLATE_PACKAGES_DIR", str(tmp_path / "packages"))
    fake = tmp_path / "translate-zh_en-1_9.argosmodel"
    fake.write_bytes(b"PK\x03\x04 not the model")
    with pytest.raises(provision.ModelNotFound, match="sha256"):
        provision.install_archive(fake)
    assert not (tmp_path / "packages" / provision.NAME).exists()


def test_explicit_choice_that_fails_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFS_MODEL", str(tmp_path / "missing.argosmodel"))
    with pytest.raises(provision.ModelNotFound, match="BRIEFS_MODEL"):
        provision.ensure()


@pytest.mark.skipif(not provision.SHARED.is_file(), reason="../shared/models not present")
def test_shared_copy_installs_into_argos_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_TRANSLATE_PACKAGES_DIR", str(tmp_path))
    monkeypatch.delenv("BRIEFS_MODEL", raising=False)
    installed = provision.ensure()
    assert installed == tmp_path / provision.NAME
    assert provision.package_ok(installed)
    assert (installed / "metadata.json").is_file()  # argospm reads this
    assert provision.locate() == installed
