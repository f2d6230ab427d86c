"""The account form admins fill in (who, their role, the province they work for), and the login and
password forms every account meets."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User
from coop_tracker.lib.forms import style_fields
from cooperatives.models import AdminUnit


class AccountForm(forms.ModelForm):
    verifies_rounds = forms.BooleanField(
        label=_("Duyệt báo cáo năm của các tỉnh"),
        required=False,
        help_text=_("Lãnh đạo toàn quốc được duyệt, trả lại và mở lại báo cáo năm; quản trị viên luôn có quyền này."),
    )

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "role", "province"]
        labels = {"last_name": _("Họ và tên đệm"), "first_name": _("Tên")}

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.fields["province"].queryset = AdminUnit.objects.current_provinces()
        self.fields["province"].empty_label = _("Toàn quốc")
        if self.instance.pk:
            self.fields["verifies_rounds"].initial = self.instance.user_permissions.filter(
                codename=VERIFY_ROUNDS
            ).exists()
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
        if data.get("verifies_rounds") and (role != User.Role.LEADER or province is not None):
            self.add_error(
                "verifies_rounds", _("Chỉ lãnh đạo toàn quốc (không thuộc tỉnh nào) được giao duyệt báo cáo năm.")
            )
        return data


VERIFY_ROUNDS = "verify_reportinground"  # cooperatives.ReportingRound's permission


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form, refusing a temporary password past its time (the page says so)."""

    temporary_password_expired = False

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.temporary_password_expired:
            self.temporary_password_expired = True
            raise ValidationError(EXPIRED, code="temporary_password_expired")


EXPIRED = _("Mật khẩu tạm thời đã hết hạn: hãy nhờ quản trị viên đặt lại mật khẩu.")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The password change every account reaches. A wrong current password counts as a failed login
    (django-axes), and while the account is locked no password is checked at all; the new password
    must differ from the current one, so a temporary password cannot be kept."""

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        style_fields(self.fields)

    def clean_old_password(self):
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            self.request.axes_locked_out, self.request.axes_credentials = True, credentials
            raise ValidationError(_("Đã nhập sai mật khẩu quá nhiều lần: tạm khóa."), code="locked_out")
        try:
            return super().clean_old_password()
        except ValidationError:
            user_login_failed.send(sender=type(self), credentials=credentials, request=self.request)
            raise

    def clean(self):
        data = super().clean()
        old, new = data.get("old_password"), data.get("new_password1")
        if old and new and old == new:
            self.add_error("new_password1", _("Mật khẩu mới phải khác mật khẩu hiện tại."))
        return data


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """The Django admin's "change password": the password set there is a temporary one, which its
    owner must replace at their next login (an admin knows it)."""

    def save(self, commit=True):
        user = super().save(commit=False)
        if user.has_usable_password():
            user.set_temporary_password(None)
        user._change_reason = User.Change.PASSWORD_RESET
        if commit:
            user.save()
        return user


class ApiTokenForm(forms.ModelForm):
    """A new API token: only its name is typed; the secret is made by accounts.services."""

    class Meta:
        model = ApiToken
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)
