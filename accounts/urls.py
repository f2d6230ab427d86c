from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", views.account_update, name="account_update"),
    path("accounts/<int:pk>/reset-password/", views.account_reset_password, name="account_reset_password"),
    path("accounts/<int:pk>/deactivate/", views.account_deactivate, name="account_deactivate"),
    path("accounts/<int:pk>/activate/", views.account_activate, name="account_activate"),
    path("accounts/<int:pk>/tokens/", views.account_tokens, name="account_tokens"),
    path("accounts/<int:pk>/tokens/<int:token_pk>/revoke/", views.account_token_revoke, name="account_token_revoke"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
