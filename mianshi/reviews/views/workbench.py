"""The review queue and the workbench (F-70): one screen per interview. (Owned by the
workbench helper; placeholders until it lands.)"""

from typing import Any

from django.http import Http404, HttpResponse


def _todo(*args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


review_queue = workbench = rating_save = decision_make = analysis_rerun = _todo
