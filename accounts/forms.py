"""The account form admins fill in: who, their role, and the province they work for."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User
from coop_tracker.lib.forms import style_fields
from cooperatives.models import AdminUnit


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "role", "province"]
        labels = {"last_name": _("Họ và tên đệm"), "first_name": _("Tên")}

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.fields["province"].queryset = AdminUnit.objects.current_provinces()
        self.fields["province"].empty_label = _("Toàn quốc")
        style_fields(self.fields)

    def clean(self):
        # The database refuses these too (User.Meta.constraints); here they are said in words.
        data = super().clean()
        role, province = data.get("role"), data.get("province")
        if role == User.Role.STAFF and province is None:
            self.add_error("province", _("Cán bộ tỉnh phải thuộc một tỉnh/thành phố."))
        if role == User.Role.ADMIN and province is not None:
            self.add_error("province", _("Tài khoản quản trị dùng cho toàn quốc: để trống tỉnh/thành phố."))
        if self.instance.pk == self.editor.pk and role and role != User.Role.ADMIN:
            self.add_error("role", _("Bạn không thể bỏ quyền quản trị của chính mình."))
        return data


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class ApiTokenForm(forms.ModelForm):
    """A new API token: only its name is typed; the secret is made by accounts.services."""

    class Meta:
        model = ApiToken
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)
