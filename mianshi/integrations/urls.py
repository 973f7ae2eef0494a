"""The integrations pages: webhooks, connectors (with the health page), transition actions."""

from django.urls import include, path

app_name = "integrations"

urlpatterns = [
    path("webhooks/", include("mianshi.integrations.webhooks.urls")),
    path("connectors/files/", include("mianshi.integrations.connectors.files.urls")),
    path("connectors/", include("mianshi.integrations.connectors.urls")),
    path("transition-actions/", include("mianshi.integrations.automation.urls")),
]
