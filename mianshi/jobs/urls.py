"""Jobs pages; the nav uses job_list, model_list, question_list, template_list."""

from django.urls import path

from mianshi.jobs.views import competency, jobs, questions, templates, transfer

app_name = "jobs"
urlpatterns = [
    path("", jobs.job_list, name="job_list"),
    path("new/", jobs.job_create, name="job_create"),
    path("<int:pk>/", jobs.job_detail, name="job_detail"),
    path("<int:pk>/edit/", jobs.job_edit, name="job_edit"),
    path("<int:pk>/delete/", jobs.job_delete, name="job_delete"),
    path("models/", competency.model_list, name="model_list"),
    path("models/new/", competency.model_create, name="model_create"),
    path("models/<int:pk>/", competency.model_detail, name="model_detail"),
    path("models/<int:pk>/edit/", competency.model_edit, name="model_edit"),
    path("models/<int:pk>/delete/", competency.model_delete, name="model_delete"),
    path("questions/", questions.question_list, name="question_list"),
    path("questions/new/", questions.question_create, name="question_create"),
    path("questions/<int:pk>/", questions.question_detail, name="question_detail"),
    path("questions/<int:pk>/edit/", questions.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", questions.question_delete, name="question_delete"),
    path("templates/", templates.template_list, name="template_list"),
    path("templates/new/", templates.template_create, name="template_create"),
    path("templates/<int:pk>/", templates.template_detail, name="template_detail"),
    path("templates/<int:pk>/v<int:number>/", templates.template_detail, name="template_version"),
    path("templates/<int:pk>/edit/", templates.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", templates.template_delete, name="template_delete"),
    path("<str:kind>/import/", transfer.import_file, name="import"),
    path("<str:kind>/export/", transfer.export_file, name="export"),
]
