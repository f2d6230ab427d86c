"""Admin classes every app's admin uses."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows the system computes: shown, never typed in."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
