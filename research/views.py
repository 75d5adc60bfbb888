"""Research pages. Until the research issue lands, /research/ describes the pipeline."""

from django.shortcuts import render

from research.access import researchers_only


@researchers_only
def index(request):
    return render(request, "research/index.html")
