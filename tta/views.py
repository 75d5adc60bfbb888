"""TTA pages. Until the TTA issue lands, /tta/ tells members how to ask for help now."""

from django.shortcuts import render

from members.access import members_only


@members_only
def index(request):
    return render(request, "tta/index.html")
