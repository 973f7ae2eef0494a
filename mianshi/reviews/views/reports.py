"""The interview PDF report and the job's ranking (F-73). (Placeholders until it lands.)"""

from typing import Any

from django.http import Http404, HttpResponse


def _todo(*args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


interview_report = ranking = ranking_export = _todo
