"""Recruitment pages: results (see views/__init__.py) — the synthesis and ranking
(ranking.py), 体检/考察, the hire and the quota (progress.py), and the 公示 (publication.py)."""

from django.urls import URLPattern, path

from mianshi.recruitment.views.results import progress, publication, ranking

urlpatterns: list[URLPattern] = [
    path("posts/<int:post_id>/results/", ranking.results, name="results"),
    path("posts/<int:post_id>/results/compute/", ranking.compute, name="results_compute"),
    path("results/<int:result_id>/tie/", ranking.decide_tie, name="result_tie"),
    path("posts/<int:post_id>/progress/", progress.progress, name="progress"),
    path("posts/<int:post_id>/progress/advance/", progress.advance, name="results_advance"),
    path("results/<int:result_id>/pass/", progress.result_pass, name="result_pass"),
    path("results/<int:result_id>/fail/", progress.result_fail, name="result_fail"),
    path("results/<int:result_id>/withdraw/", progress.result_withdraw, name="result_withdraw"),
    path("results/<int:result_id>/hire/", progress.hire, name="hire"),
    path("posts/<int:post_id>/quota/", progress.quota, name="quota"),
    path("posts/<int:post_id>/publication/", publication.publication, name="publication"),
    path(
        "posts/<int:post_id>/publication/open/",
        publication.publication_open,
        name="publication_open",
    ),
    path(
        "posts/<int:post_id>/publication/pdf/", publication.publication_pdf, name="publication_pdf"
    ),
    path(
        "posts/<int:post_id>/publication/xlsx/",
        publication.publication_xlsx,
        name="publication_xlsx",
    ),
    path("posts/<int:post_id>/objections/", publication.objection_raise, name="objection_raise"),
    path(
        "objections/<int:objection_id>/resolve/",
        publication.objection_resolve,
        name="objection_resolve",
    ),
]
