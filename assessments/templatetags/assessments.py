from django import template

from assessments.selectors import describe_trace

register = template.Library()


@register.filter
def trace_text(trace: dict) -> str:
    return describe_trace(trace)


@register.filter
def person(user: object) -> str:
    """A user's full name, else the username (blank when the account is gone)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
