"""Request typing for views behind login_required."""

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is signed in (the view is wrapped in login_required)."""

    user: User
