"""HR-side reads of interviews: the live board of a job (F-50) and the interview panel.

Every query starts from the scoped selectors of the candidates app (`visible_applications`)
or from `scope()`, so HR of another branch, managers outside their departments and
interviewers without an assignment see nothing (404).

- `board`: which jobs have a board, the board's rows and counts (a fixed number of queries).
- `rows`: one row and its state; `anomalies`: what on a row needs HR's attention.
- `quality`: the quality figures of an answer; `panel`: an application's interview panel,
  playback and file download.
"""

from mianshi.interviews.selectors_board.anomalies import (
    CAMERA_COVERED_CODES,
    QUIET_LIMIT,
    Anomaly,
    anomalies,
)
from mianshi.interviews.selectors_board.board import (
    BOARD_MAX_ROWS,
    RECENT,
    SWITCH_KINDS,
    Board,
    board_job,
    board_jobs,
    job_board,
    session_list,
)
from mianshi.interviews.selectors_board.panel import (
    DURATION_TOLERANCE_MS,
    AnswerPanel,
    SessionPanel,
    answer_panel,
    answer_with_file,
    application_sessions,
    recording_for_playback,
    session_detail,
    session_panel,
    sessions_by_application,
    sessions_visible,
)
from mianshi.interviews.selectors_board.quality import (
    AnswerQuality,
    answer_quality,
    issue_codes,
    issue_notes,
)
from mianshi.interviews.selectors_board.rows import BoardRow, BoardState

__all__ = [
    "BOARD_MAX_ROWS",
    "CAMERA_COVERED_CODES",
    "DURATION_TOLERANCE_MS",
    "QUIET_LIMIT",
    "RECENT",
    "SWITCH_KINDS",
    "Anomaly",
    "AnswerPanel",
    "AnswerQuality",
    "Board",
    "BoardRow",
    "BoardState",
    "SessionPanel",
    "anomalies",
    "answer_panel",
    "answer_quality",
    "answer_with_file",
    "application_sessions",
    "board_job",
    "board_jobs",
    "issue_codes",
    "issue_notes",
    "job_board",
    "recording_for_playback",
    "session_detail",
    "session_list",
    "session_panel",
    "sessions_by_application",
    "sessions_visible",
]
