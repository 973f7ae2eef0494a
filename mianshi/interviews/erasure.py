"""What interviews store for a candidate, registered for erasure (see common.erasure).

Recordings, their chunks and answer files are named by the rows; the recording folder of
each session and the chunk folder of each recording are swept too, for objects of a remux
or a PATCH that died before its row was written.
"""

from __future__ import annotations

from mianshi.common.erasure import Holding, register
from mianshi.interviews.models import Answer, Chunk, InterviewSession, Recording
from mianshi.interviews.services.storage import CHUNK_PREFIX, RECORDING_PREFIX


def interview_holding(candidate_id: int) -> Holding:
    """The candidate's recordings, chunks and answer files, and their folders."""
    sessions = InterviewSession.objects.filter(application__candidate_id=candidate_id)
    session_ids = list(sessions.values_list("pk", flat=True))
    recordings = Recording.objects.filter(session_id__in=session_ids)
    names = list(recordings.exclude(storage_path="").values_list("storage_path", flat=True))
    names += Chunk.objects.filter(recording__in=recordings).values_list("storage_name", flat=True)
    answers = Answer.objects.filter(session_id__in=session_ids).exclude(file_path="")
    names += answers.values_list("file_path", flat=True)
    prefixes = [f"{RECORDING_PREFIX}/{pk}/" for pk in session_ids]
    prefixes += [f"{CHUNK_PREFIX}/{pk}/" for pk in recordings.values_list("pk", flat=True)]
    return Holding(objects=tuple(names), prefixes=tuple(prefixes), ids={"sessions": session_ids})


register("interviews", interview_holding)
