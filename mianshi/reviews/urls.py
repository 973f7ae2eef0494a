"""HR routes of the review app: the queue, the workbench, ratings, decisions, reports."""

from django.urls import path

from mianshi.reviews.views import offers, reports, workbench

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
    path("offers/", offers.offers_to_approve, name="offers_to_approve"),
    path("applications/<int:application_id>/offer/", offers.offer_page, name="offer_page"),
    path(
        "applications/<int:application_id>/offer/propose/",
        offers.offer_propose,
        name="offer_propose",
    ),
    path("offers/<int:offer_id>/approve/", offers.offer_approve, name="offer_approve"),
    path("offers/<int:offer_id>/return/", offers.offer_return, name="offer_return"),
    path("offers/<int:offer_id>/hire/", offers.offer_hire, name="offer_hire"),
]
