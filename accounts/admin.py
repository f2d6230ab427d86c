"""The admin of accounts: Django's user admin plus the role and province of each account, and its history.

Roles are only recorded here; what each role may do is enforced elsewhere.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.forms import AdminPasswordChangeForm
from accounts.models import ApiToken, User
from coop_tracker.lib.admin import ReadOnlyAdmin

ROLE_FIELDSET = (
    _("Vai trò và phạm vi"),
    {"fields": ["role", "province", "must_change_password", "temporary_password_expires_at"]},
)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    fieldsets = [*DjangoUserAdmin.fieldsets, ROLE_FIELDSET]
    add_fieldsets = [*DjangoUserAdmin.add_fieldsets, ROLE_FIELDSET]
    list_display = ["username", "full_name", "email", "role", "province", "is_active", "last_login"]
    list_filter = ["role", "province", "is_active"]
    list_select_related = ["province"]
    autocomplete_fields = ["province"]

    def get_fieldsets(self, request, obj=None):
        # Django-admin rights follow the role (User.apply_role): no checkboxes that could disagree.
        hidden = {"is_staff", "is_superuser", "groups", "user_permissions"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    change_password_form = AdminPasswordChangeForm

    def save_model(self, request, obj, form, change):
        obj.apply_role()
        if not change and obj.has_usable_password():
            obj.set_temporary_password(None)  # the admin typed it: its owner replaces it at first login
        super().save_model(request, obj, form, change)

    # Vietnamese names are written family name (last_name) first: "Nguyễn Văn An".
    @admin.display(description=_("họ và tên"))
    def full_name(self, user):
        return f"{user.last_name} {user.first_name}".strip()


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made and revoked on the account's page (the secret is shown there once)."""

    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username"]
    exclude = ["digest"]
