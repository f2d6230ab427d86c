from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts.forms import LoginForm
from coop_tracker.health import health

urlpatterns = [
    path("", include("plans.urls")),
    path("", include("cooperatives.urls")),
    path("", include("accounts.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("health/", health, name="health"),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
