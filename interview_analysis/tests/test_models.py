"""The model folder: install from the wheels, sha256 pinning, check, model choice, no downloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interview_analysis import cli_models, models
from interview_analysis.backends.whisper import FasterWhisperTranscriber
from interview_analysis.errors import ModelMissingError


@pytest.fixture(scope="session")
def installed_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder with whisper-base assembled once per session (~145 MB copied)."""
    root = tmp_path_factory.getbasetemp() / "models"
    models.install(root)
    return root


def _fake_model(folder: Path, size: int) -> Path:
    """A folder shaped like a CTranslate2 Whisper model (sparse model.bin of `size` bytes)."""
    folder.mkdir(parents=True)
    with (folder / "model.bin").open("wb") as handle:
        handle.truncate(size)
    (folder / "config.json").write_text("{}")
    (folder / "tokenizer.json").write_text("{}")
    return folder


def test_install_assembles_verified_weights(installed_models: Path) -> None:
    base = installed_models / "whisper-base"
    assert models.sha256_of(base / "model.bin") == models.BASE_SHA256
    assert {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"} <= {
        p.name for p in base.iterdir()
    }
    assert not (base / "model.bin.partial").exists()


def test_install_is_idempotent(installed_models: Path) -> None:
    model_bin = installed_models / "whisper-base" / "model.bin"
    before = model_bin.stat().st_mtime_ns
    assert models.install(installed_models) == installed_models / "whisper-base"
    assert model_bin.stat().st_mtime_ns == before  # verified, not rewritten


def test_install_refuses_and_deletes_on_checksum_mismatch(tmp_path: Path) -> None:
    with pytest.raises(models.ModelChecksumError, match="refused and deleted"):
        models.install(tmp_path, expected_sha256="0" * 64)
    base = tmp_path / "whisper-base"
    assert not (base / "model.bin").exists()
    assert not (base / "model.bin.partial").exists()
    assert models.check(tmp_path)["ok"] is False


def test_check_cli_exits_non_zero_without_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_models.main(["models", "check", "--dir", str(tmp_path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["selected"] is None
    assert "models install" in report["hint"]


def test_check_cli_reports_valid_default(
    installed_models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_models.main(["models", "check", "--dir", str(installed_models)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["selected"] == "whisper-base"
    assert report["models"][0]["valid"] is True


def test_check_flags_a_damaged_default(tmp_path: Path) -> None:
    _fake_model(tmp_path / "whisper-base", 1000)
    report = models.check(tmp_path)
    assert report["ok"] is False
    assert "expected" in json.dumps(report["models"])


def test_env_var_names_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIANSHI_MODEL_DIR", str(tmp_path / "m"))
    assert models.model_dir() == tmp_path / "m"
    monkeypatch.delenv("MIANSHI_MODEL_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert models.model_dir() == tmp_path / "data" / "mianshi" / "models"


def test_larger_model_preferred_unless_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIANSHI_WHISPER_MODEL", raising=False)
    _fake_model(tmp_path / "whisper-tiny", 10_000)
    _fake_model(tmp_path / "whisper-small", 400_000_000)
    assert models.whisper_model_path(directory=tmp_path).name == "whisper-small"
    monkeypatch.setenv("MIANSHI_WHISPER_MODEL", "whisper-tiny")
    assert models.whisper_model_path(directory=tmp_path).name == "whisper-tiny"
    monkeypatch.setenv("MIANSHI_WHISPER_MODEL", "whisper-large-v3")
    with pytest.raises(ModelMissingError, match="whisper-large-v3"):
        models.whisper_model_path(directory=tmp_path)


def test_missing_model_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIANSHI_MODEL_DIR", str(tmp_path))
    monkeypatch.delenv("MIANSHI_WHISPER_MODEL", raising=False)
    with pytest.raises(ModelMissingError, match="python -m interview_analysis models install"):
        FasterWhisperTranscriber()
