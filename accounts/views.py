"""Account management for admins (list, create, edit, deactivate, temporary passwords), and the
password change every account reaches, which a temporary password makes compulsory."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from accounts import services
from accounts.filters import AccountFilter
from accounts.forms import AccountForm, ApiTokenForm, PasswordChangeForm
from accounts.models import ApiToken, User
from accounts.permissions import get_visible_or_404, require_admin, visible
from accounts.tables import AccountTable

ACCOUNTS_PER_PAGE = 25
HISTORY_ROWS = 30


def account_list(request):
    require_admin(request.user)
    accounts = visible(User.objects.select_related("province"), request.user)
    filters = AccountFilter(request.GET, queryset=accounts, request=request)
    table = AccountTable(filters.qs)
    RequestConfig(request, paginate={"per_page": ACCOUNTS_PER_PAGE}).configure(table)
    return render(request, "accounts/account_list.html", {"filter": filters, "table": table})


def account_detail(request, pk):
    require_admin(request.user)
    account = get_visible_or_404(User.objects.select_related("province"), request.user, pk=pk)
    # One row more than shown: the oldest row shown is compared with the one before it.
    records = account.history.select_related("history_user").order_by("-history_date", "-history_id")
    context = {"account": account, "history": _history_rows(list(records[: HISTORY_ROWS + 1]))[:HISTORY_ROWS]}
    context["tokens"] = account.api_tokens.select_related("created_by", "revoked_by")
    return render(request, "accounts/account_detail.html", context)


def _history_rows(records):
    """Each change of an account (newest first) with who made it, why, and the fields it changed."""
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changed = newer.diff_against(older).changed_fields if older is not None else []
        reason = newer.history_change_reason
        rows.append(
            {
                "record": newer,
                "reason": User.Change(reason).label if reason in User.Change.values else reason,
                "fields": [str(User._meta.get_field(name).verbose_name) for name in changed],
            }
        )
    return rows


def account_create(request):
    require_admin(request.user)
    form = AccountForm(request.POST or None, editor=request.user)
    if request.method == "POST" and form.is_valid():
        password = services.account_create(user=form.save(commit=False))
        services.account_verifier_set(user=form.instance, verifies=form.cleaned_data["verifies_rounds"])
        return _show_password(request, form.instance, password)
    return render(request, "accounts/account_form.html", {"form": form, "account": None})


def account_update(request, pk):
    require_admin(request.user)
    account = get_visible_or_404(User.objects, request.user, pk=pk)
    form = AccountForm(request.POST or None, instance=account, editor=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_update(user=form.save(commit=False))
        services.account_verifier_set(user=account, verifies=form.cleaned_data["verifies_rounds"])
        messages.success(request, _("Đã lưu tài khoản %(username)s.") % {"username": account.username})
        return redirect(account)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


def account_reset_password(request, pk):
    """A confirmation page; the POST sets a temporary password, shown this once."""
    require_admin(request.user)
    account = get_visible_or_404(User.objects, request.user, pk=pk)
    if request.method == "POST":
        return _show_password(request, account, services.account_reset_password(user=account))
    return render(request, "accounts/reset_password_confirm.html", {"account": account})


def _show_password(request, account, password):
    # Rendered in the POST's response rather than after a redirect, so the password is
    # never stored in a session or a cookie.
    response = render(request, "accounts/temporary_password.html", {"account": account, "password": password})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def account_deactivate(request, pk):
    require_admin(request.user)
    account = get_visible_or_404(User.objects, request.user, pk=pk)
    if account == request.user:
        messages.error(request, _("Bạn không thể tự khóa tài khoản của mình."))
    else:
        services.account_set_active(user=account, active=False)
        messages.success(request, _("Đã khóa tài khoản %(username)s.") % {"username": account.username})
    return redirect(account)


@require_POST
def account_activate(request, pk):
    require_admin(request.user)
    account = get_visible_or_404(User.objects, request.user, pk=pk)
    services.account_set_active(user=account, active=True)
    messages.success(request, _("Đã mở lại tài khoản %(username)s.") % {"username": account.username})
    return redirect(account)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also ends a temporary password and records the change."""

    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        form.user.must_change_password = False
        form.user.temporary_password_expires_at = None
        form.user._change_reason = User.Change.PASSWORD_CHANGED
        return super().form_valid(form)

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # Guessing the password of an open session: the session ends, and the lockout page
            # (axes.middleware) follows, as at the login.
            logout(self.request)
        return super().form_invalid(form)


# API tokens (README, "REST API"): made and revoked by the account's owner or an admin -------


def account_tokens(request, pk):
    """An account's API tokens; a POST makes one, whose secret this response shows once."""
    account = get_visible_or_404(User.objects, request.user, pk=pk)
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = services.api_token_create(user=account, name=form.cleaned_data["name"], created_by=request.user)
        form = ApiTokenForm()
    tokens = visible(ApiToken.objects.filter(user=account), request.user).select_related("created_by", "revoked_by")
    context = {"account": account, "tokens": tokens, "form": form, "secret": secret}
    response = render(request, "accounts/api_tokens.html", context)
    if secret:
        response["Cache-Control"] = "no-store"  # the secret is in this page and nowhere else
    return response


@require_POST
def account_token_revoke(request, pk, token_pk):
    account = get_visible_or_404(User.objects, request.user, pk=pk)
    token = get_visible_or_404(ApiToken.objects.filter(user=account), request.user, pk=token_pk)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("Đã thu hồi khóa API %(prefix)s….") % {"prefix": token.prefix})
    return redirect("account_tokens", pk=account.pk)
