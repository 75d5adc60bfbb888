"""The controlled vocabulary: terms grouped by facet, edited by staff, retired rather than deleted.

A forum tag, a practice topic and a TTA need are the same Term, so they can be
matched without one app importing another.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify


class Facet(models.TextChoices):
    PHASE = "phase", "Task force phase"
    TRAFFICKING_TYPE = "trafficking_type", "Trafficking type"
    PRACTICE_AREA = "practice_area", "Practice area"
    AUDIENCE = "audience", "Audience"
    RESOURCE_TYPE = "resource_type", "Resource type"
    CALLOUT_KIND = "callout_kind", "e-Guide call-out kind"


class TermQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired=False)

    def of_facet(self, facet):
        return self.filter(facet=facet)


class Term(models.Model):
    facet = models.CharField(max_length=32, choices=Facet.choices, db_index=True)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="A broader term in the same facet, e.g. labor trafficking for agriculture.",
    )
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(
        default=False,
        help_text="Retired terms stay on what was tagged with them but cannot be chosen again.",
    )

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["facet", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["facet", "name"], name="unique_term_name_per_facet")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from taxonomy.signals import term_slug_changed

        if not self.slug:
            self.slug = slugify(self.name)[:140]
        previous = Term.objects.filter(pk=self.pk).values_list("slug", flat=True).first() if self.pk else None
        with transaction.atomic():
            super().save(*args, **kwargs)
            if previous is not None and previous != self.slug:
                term_slug_changed.send(sender=Term, term=self, old_slug=previous, new_slug=self.slug)

    def clean(self):
        if self.parent_id and self.parent.facet != self.facet:
            raise ValidationError({"parent": "A broader term must be in the same facet."})
        if not self.slug:
            self.slug = slugify(self.name)[:140]

    def delete(self, *args, **kwargs):
        raise ValidationError("Terms are retired, never deleted, so nothing tagged with them is orphaned.")


class FormerSlug(models.Model):
    """A slug a term used to have, so links to /topics/<old slug>/ still find it after a rename."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="former_slugs")
    slug = models.SlugField(max_length=140, unique=True)

    def __str__(self):
        return f"{self.slug} → {self.term.slug}"
