"""Pages of the work bulletin: the news units push, a programme's issues, the issue as a web
page laid out like the printed bulletin, and the office's editor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import can_edit_bulletin, news_institutions_of
from bulletins import forms, selectors, services
from bulletins.models import BulletinIssue, NewsStatus, Section
from config.http import AuthenticatedHttpRequest


def _error(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "bulletins/index.html", {"programmes": selectors.programme_list(user=request.user)}
    )


@login_required
def news_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in NewsStatus.values else ""
    items = selectors.news_list(user=request.user, status=status)
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "bulletins/news_list.html",
        {
            "page": page,
            "items": page.object_list,
            "status": status,
            "statuses": NewsStatus.choices,
            "can_push": news_institutions_of(request.user).exists(),
        },
    )


@login_required
def news_push(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not news_institutions_of(request.user).exists():
        raise PermissionDenied
    form = forms.NewsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.news_push(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("动态已报送，编辑部将择优编入工作动态。"))
            return redirect("bulletins:news")
    return render(request, "bulletins/news_form.html", {"form": form})


@login_required
@require_POST
def news_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.news_get(user=request.user, pk=pk)
    try:
        services.news_decline(user=request.user, item=item)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("已设为未采用。"))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("bulletins:news")


@login_required
def issue_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, slug=slug)
    editor = can_edit_bulletin(request.user, programme)
    return render(
        request,
        "bulletins/issue_list.html",
        {
            "programme": programme,
            "issues": selectors.issue_list(programme=programme, editor=editor),
            "editor": editor,
        },
    )


@login_required
@require_POST
def issue_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, slug=slug)
    issue = services.issue_create(user=request.user, programme=programme)
    messages.success(request, _("已新建 %(label)s。") % {"label": issue.label})
    return redirect("bulletins:edit", issue.pk)


@login_required
def issue_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get(user=request.user, pk=pk)
    return render(
        request,
        "bulletins/issue_detail.html",
        {
            "issue": issue,
            "sections": selectors.issue_sections(issue),
            # A draft got this far only for its office (the selector checked).
            "editor": not issue.is_published or can_edit_bulletin(request.user, issue.programme),
        },
    )


def _editable(request: AuthenticatedHttpRequest, issue: BulletinIssue) -> None:
    """403 for who sees a published issue but is not its office; a draft got this far only
    for its office (the selector returns 404 to everyone else)."""
    if issue.is_published and not can_edit_bulletin(request.user, issue.programme):
        raise PermissionDenied


@login_required
def issue_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get(user=request.user, pk=pk)
    _editable(request, issue)
    if issue.is_published:
        messages.info(request, _("本期已印发，不能再修改。"))
        return redirect("bulletins:issue", issue.pk)
    form = forms.IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_update(user=request.user, issue=issue, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("bulletins:edit", issue.pk)
    news = list(selectors.news_available(issue=issue)[:100])
    return render(
        request,
        "bulletins/issue_edit.html",
        {
            "issue": issue,
            "form": form,
            "sections": selectors.issue_sections(issue, keep_empty=True),
            "news": news,
            "section_choices": Section.choices,
            "entry_form": forms.EntryForm(),
        },
    )


@login_required
@require_POST
def entry_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Pick a pushed item into the issue."""
    issue = selectors.issue_get(user=request.user, pk=pk)
    _editable(request, issue)
    form = forms.AddNewsForm(request.POST, items=selectors.news_available(issue=issue))
    if not form.is_valid():
        messages.error(request, _("请选择一条尚未采用的动态和栏目。"))
        return redirect("bulletins:edit", issue.pk)
    try:
        services.entry_add_from_news(
            user=request.user,
            issue=issue,
            item=form.cleaned_data["news_item"],
            section=form.cleaned_data["section"],
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("已编入本期。"))
    return redirect("bulletins:edit", issue.pk)


@login_required
@require_POST
def entry_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A hand-written entry."""
    issue = selectors.issue_get(user=request.user, pk=pk)
    _editable(request, issue)
    form = forms.EntryForm(request.POST)
    if form.is_valid():
        try:
            services.entry_create(user=request.user, issue=issue, **form.cleaned_data)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("条目已添加。"))
    else:
        messages.error(request, _("请填写栏目和正文。"))
    return redirect("bulletins:edit", issue.pk)


@login_required
def entry_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk)
    _editable(request, entry.issue)
    if entry.issue.is_published:
        raise PermissionDenied
    form = forms.EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(user=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("条目已保存。"))
            return redirect("bulletins:edit", entry.issue_id)
    return render(request, "bulletins/entry_form.html", {"form": form, "entry": entry})


@login_required
@require_POST
def entry_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk)
    _editable(request, entry.issue)
    try:
        services.entry_delete(user=request.user, entry=entry)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("条目已删除，来源动态可重新采用。"))
    return redirect("bulletins:edit", entry.issue_id)


@login_required
@require_POST
def entry_move(request: AuthenticatedHttpRequest, pk: int, direction: str) -> HttpResponse:
    if direction not in ("up", "down"):
        raise Http404
    entry = selectors.entry_get(user=request.user, pk=pk)
    _editable(request, entry.issue)
    try:
        services.entry_move(user=request.user, entry=entry, step=-1 if direction == "up" else 1)
    except ValidationError as error:
        _error(request, error)
    return redirect("bulletins:edit", entry.issue_id)


@login_required
@require_POST
def issue_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get(user=request.user, pk=pk)
    _editable(request, issue)
    try:
        services.issue_publish(user=request.user, issue=issue)
    except ValidationError as error:
        _error(request, error)
        return redirect("bulletins:edit", issue.pk)
    messages.success(request, _("%(label)s 已印发。") % {"label": issue.label})
    return redirect("bulletins:issue", issue.pk)
