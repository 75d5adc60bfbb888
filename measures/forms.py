"""Forms for measures: the small fixed ones. The report's figures are one field per measure of the
period's set, read in ``measures.views`` and checked in ``measures.checks``."""

from django import forms


class ReturnForm(forms.Form):
    staff_comment = forms.CharField(
        label="What needs to change", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why the figures need correcting", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReporterForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
