"""Logging in on the page that needs it (plan editor, own goals, local values, subscriptions)."""

from __future__ import annotations

from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def log_in_here(
    request: HttpRequest, *, template: str, context: dict, then: str | None = None
) -> HttpResponse:
    """The login form on the page itself (the admin's login page refuses plan keepers who are not staff).

    A good POST logs in and goes to `then` (default: the same address); a bad one shows the form again with 400.
    The form is in the context as `form`, its fields prefixed "login-".
    """
    data = request.POST if request.method == "POST" else None
    form = AuthenticationForm(request, data=data, prefix="login")
    if data is not None and form.is_valid():
        auth_login(request, form.get_user())
        return redirect(then or request.get_full_path())
    return render(request, template, {**context, "form": form}, status=400 if data is not None else 200)
