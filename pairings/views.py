"""Pages for consortia: the 1+M+N structure and its pairings at a glance."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.selectors import can_coordinate
from pairings import selectors


@login_required
def consortium_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = selectors.consortium_get(user=request.user, pk=pk)
    groups = selectors.consortium_structure(consortium)
    return render(
        request,
        "pairings/consortium_detail.html",
        {
            "consortium": consortium,
            "groups": groups,
            "can_coordinate": can_coordinate(request.user, consortium),
            "m": len(groups["supporting"]),
            "n": len(groups["supported"]),
            "structure_errors": consortium.structure_errors(
                [m.spec for ms in groups.values() for m in ms]
            ),
        },
    )
