"""Recruitment pages: exams (see views/__init__.py) — the written exam, the interview
shortlist, the examiner pool, panels and 回避, the panel-scoring sheet, an examiner's day.
Every page but the examiner's own hangs under a post."""

from django.urls import URLPattern, path

from mianshi.recruitment.views.exams import examiners, marks, panels, shortlist, written

P = "posts/<int:post_id>/"
PANEL = P + "panels/<int:panel_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "written/", written.written, name="written"),
    # The post page's list of steps names the written exam and the marks this way.
    path(P + "written/scores/", written.written, name="written_scores"),
    path(P + "marks/", marks.post_marks, name="marks"),
    path(P + "written/template.xlsx", written.written_template, name="written_template"),
    path(P + "written/<int:application_id>/", written.written_enter_view, name="written_enter"),
    path(P + "written/<int:application_id>/extra/", written.extra_enter_view, name="written_extra"),
    path(P + "shortlist/", shortlist.shortlist, name="shortlist"),
    path(P + "shortlist/make/", shortlist.shortlist_make_view, name="shortlist_make"),
    path(
        P + "shortlist/<int:entry_id>/withdraw/",
        shortlist.shortlist_withdraw_view,
        name="shortlist_withdraw",
    ),
    path(P + "examiners/", examiners.examiners, name="examiners"),
    path(P + "examiners/<int:examiner_id>/", examiners.examiner_edit, name="examiner_edit"),
    path(
        P + "examiners/<int:examiner_id>/deactivate/",
        examiners.examiner_deactivate_view,
        name="examiner_deactivate",
    ),
    path(P + "panels/", panels.panels, name="panels"),
    path(PANEL, panels.panel_detail, name="panel_detail"),
    path(PANEL + "order/", panels.panel_lots, name="panel_lots"),
    path(PANEL + "conflicts/", panels.panel_detect, name="panel_detect"),
    path(
        PANEL + "conflicts/<int:conflict_id>/",
        panels.conflict_resolve_view,
        name="conflict_resolve",
    ),
    path(PANEL + "declarations/", panels.declaration_add_view, name="declaration_add"),
    path(PANEL + "marks/", marks.panel_marks, name="panel_marks"),
    path(PANEL + "marks/<int:mark_id>/", marks.mark_correct_view, name="mark_correct"),
    path("my-panels/", marks.my_panels, name="my_panels"),
]
