"""Logging filters that keep invitation tokens out of the application log (review L7).

The token in a candidate's link (/i/<token>/…, /i/api/<token>/…) opens the interview, so a
log line holding it is a key lying around. Django's request logger writes the path of
every 4xx and 5xx ("Not Found: /i/…"), runserver writes every request line, and an app's
own message may name a path. The filter rewrites the segment after /i/ (and /i/api/) to
`<token>` in the message and its arguments, before any handler formats the record.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_TOKEN_IN_PATH = re.compile(r"(/i/(?:api/)?)(?!api/)[^/?#\s\"']+")


def redact_tokens(text: str) -> str:
    """`text` with the token segment of every candidate path replaced by `<token>`."""
    return _TOKEN_IN_PATH.sub(r"\1<token>", text)


def _redacted(value: Any) -> Any:
    return redact_tokens(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """Rewrite the candidate-link token in a record's message and arguments; never drops."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return True
