"""Public pages served outside the page tree."""

from django.shortcuts import render


def report(request):
    return render(request, "cms/report.html")
