"""Forum pages. Until the forum issue lands, /forum/ tells members what is coming."""

from django.shortcuts import render

from members.access import members_only


@members_only
def index(request):
    return render(request, "forum/index.html")
