"""The connectors pages, under integrations: at /integrations/connectors/ (and the health page)."""

from django.urls import path

from mianshi.integrations.connectors import moka_views
from mianshi.integrations.connectors.views import connectors, syncs, templates

urlpatterns = [
    path("", connectors.connector_list, name="connector_list"),
    path("new/", connectors.connector_create, name="connector_create"),
    path("health/", syncs.health, name="health"),
    path("<int:pk>/", connectors.connector_detail, name="connector_detail"),
    path("<int:pk>/edit/", connectors.connector_edit, name="connector_edit"),
    path("<int:pk>/test/", connectors.connector_test, name="connector_test"),
    path("<int:pk>/templates/<str:kind>/", templates.connector_template, name="connector_template"),
    path(
        "<int:pk>/templates/<str:kind>/preview/",
        templates.connector_preview,
        name="connector_preview",
    ),
    path("<int:pk>/moka/bind/", moka_views.moka_bind, name="connector_moka_bind"),
    path("moka/callback/", moka_views.moka_callback, name="connector_moka_callback"),
    path("syncs/<int:pk>/", syncs.sync_detail, name="sync_detail"),
    path("syncs/<int:pk>/retry/", syncs.sync_retry_view, name="sync_retry"),
]
