"""HR routes of the review app: the queue, the workbench, ratings, decisions, reports."""

from django.urls import path

from mianshi.reviews.views import reports, workbench

app_name = "reviews"
urlpatterns = [
    path("", workbench.review_queue, name="queue"),
    path("interviews/<int:session_id>/", workbench.workbench, name="workbench"),
    path("interviews/<int:session_id>/rating/", workbench.rating_save, name="rating"),
    path("interviews/<int:session_id>/decision/", workbench.decision_make, name="decision"),
    path("interviews/<int:session_id>/analysis/", workbench.analysis_panel, name="analysis"),
    path("interviews/<int:session_id>/feedback/", workbench.feedback_draft, name="feedback_draft"),
    path("answers/<int:answer_id>/rerun/", workbench.analysis_rerun, name="rerun"),
    path("interviews/<int:session_id>/report.pdf", reports.interview_report, name="report"),
    path("jobs/<int:job_id>/ranking/", reports.ranking, name="ranking"),
    path("jobs/<int:job_id>/ranking.<str:fmt>", reports.ranking_export, name="ranking_export"),
]
