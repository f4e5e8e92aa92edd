"""Forms of the work bulletin; choices come from the user's scope (accounts/selectors.py)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import User, news_institutions_of, programmes_visible_to
from bulletins.models import BulletinEntry, BulletinIssue, NewsItem, Section
from bulletins.services import ISSUE_FIELDS


class NewsForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = ["programme", "institution", "title", "body", "section", "happened_on"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "happened_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_visible_to(user).order_by(  # type: ignore[attr-defined]
            "level", "starts_on"
        )
        institutions = news_institutions_of(user).order_by("name")
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        if len(institutions) == 1:
            self.fields["institution"].initial = institutions[0].pk


class IssueForm(forms.ModelForm):
    class Meta:
        model = BulletinIssue
        fields = ISSUE_FIELDS
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "printed_on": forms.DateInput(attrs={"type": "date"}),
            "report_to": forms.Textarea(attrs={"rows": 2}),
            "send_to": forms.Textarea(attrs={"rows": 2}),
        }


class EntryForm(forms.ModelForm):
    class Meta:
        model = BulletinEntry
        fields = ["section", "lead", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class AddNewsForm(forms.Form):
    """Pick a pushed item into a section of the issue."""

    news_item = forms.ModelChoiceField(label=_("动态"), queryset=NewsItem.objects.none())
    section = forms.ChoiceField(label=_("栏目"), choices=Section.choices)

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["news_item"].queryset = items  # type: ignore[attr-defined]
