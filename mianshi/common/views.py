"""The landing page (login or dashboard) and the health check."""

from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from mianshi.accounts.forms import LockoutAuthenticationForm
from mianshi.candidates.selectors import application_stage_counts


def home(request: HttpRequest) -> HttpResponseBase:
    """Anonymous visitors get the login page at /, staff their dashboard."""
    if not request.user.is_authenticated:
        return LoginView.as_view(
            template_name="accounts/login.html", authentication_form=LockoutAuthenticationForm
        )(request)
    counts = application_stage_counts(user=request.user)
    return render(
        request, "common/dashboard.html", {"stages": counts, "total": sum(c for _, _, c in counts)}
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness plus a database round trip, for load balancers and `make demo`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
