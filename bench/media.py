"""Media benchmark: decode, sampling and face analysis of a generated 60 s 640×480 clip (JSON)."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from interview_analysis import media, vision
from interview_analysis.backends.faces import HaarFaceAnalyzer, default_face_analyzer
from interview_analysis.tests import mediagen


def _faces_at(t: float) -> int:
    """One face for 40 s, two for 10 s, then nobody: counts and spans to check."""
    return 2 if 40 <= t < 50 else (0 if t >= 50 else 1)


def _timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    """Print ms per frame for each stage and detection rates on the generated faces."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.webm"
        mediagen.face_video(
            path, seconds=60, audio=mediagen.speech_like(60.0), live=True, sway=20, faces=_faces_at
        )
        info, probe_s = _timed(lambda: media.probe(path))
        _audio, audio_s = _timed(lambda: media.load_audio(path))
        (frames, times), sample_s = _timed(lambda: media.sample_frames(path))
        out = {
            "clip": {"seconds": info.duration_s, "fps": info.fps, "frames": info.video_frames},
            "probe_ms": round(probe_s * 1000, 1),
            "audio_decode_s_per_min": round(audio_s, 3),
            "decode_and_sample_ms_per_decoded_frame": round(sample_s * 1000 / info.video_frames, 2),
            "sampled_frames": len(frames),
        }
        for analyzer in (default_face_analyzer(), HaarFaceAnalyzer()):
            analyzer.observe(frames[:2], times[:2])  # warm-up: model load is not per frame
            obs, face_s = _timed(lambda a=analyzer: a.observe(frames, times))
            expected = [_faces_at(t) for t in times]
            right = sum(min(o.faces, 2) == e for o, e in zip(obs, expected, strict=True))
            out[analyzer.name] = {
                "ms_per_sampled_frame": round(face_s * 1000 / len(frames), 2),
                "face_count_right": f"{right}/{len(frames)}",
                "signals": [(s.code, s.start, s.end) for s in vision.integrity_signals(obs, 0.5)],
            }
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
