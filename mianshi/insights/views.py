"""The landing page: the login form for visitors, the pipeline's stage counts for staff.

It reads the candidate pipeline, so it sits above the apps (the funnel of F-110 grows here).
"""

from django.contrib.auth.views import LoginView
from django.http import HttpRequest
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
        request,
        "insights/dashboard.html",
        {"stages": counts, "total": sum(c for _, _, c in counts)},
    )
