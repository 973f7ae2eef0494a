"""The HR pages of public recruitment, one module per part of the procedure."""

from mianshi.recruitment.views import apply, exams, plans, results

app_name = "recruitment"
urlpatterns = [*plans.urlpatterns, *exams.urlpatterns, *results.urlpatterns, *apply.urlpatterns]
