"""/api/: the OpenAPI schema, its documentation page, and version 1 of the API under /api/v1/.

Django REST framework's views are left out of LoginRequiredMiddleware: they authenticate every
request themselves (a token, or the browser's session) and answer a 401 or 403 in JSON, where the
site's pages redirect to the login page."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views

router = SimpleRouter()
router.register("provinces", views.ProvinceViewSet, basename="api-province")
router.register("indicators", views.IndicatorViewSet, basename="api-indicator")
router.register("plans", views.PlanViewSet, basename="api-plan")
router.register("targets", views.TargetViewSet, basename="api-target")
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("figures", views.YearlyFiguresViewSet, basename="api-figures")
router.register("ratings", views.RatingViewSet, basename="api-rating")
router.register("entered-values", views.EnteredValueViewSet, basename="api-entered-value")

v1 = [
    # Before the router's figures/<pk>/, which "bulk" would not match anyway (ids are digits).
    path("figures/bulk/", views.FiguresBulkView.as_view(), name="api-figures-bulk"),
    path("counts/", views.CountsView.as_view(), name="api-counts"),
    *router.urls,
]
urlpatterns = [
    path("v1/", include(v1)),
    # A page for people: with a session, or a redirect to the login page like every page.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
