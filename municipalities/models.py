"""Areas: every place a figure can belong to — municipality, region, RAR area, the whole country."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AreaQuerySet(models.QuerySet):
    def municipalities(self) -> AreaQuerySet:
        """The 98 municipalities, by name."""
        return self.filter(kind=Area.Kind.MUNICIPALITY).order_by("name")

    def matching(self, query: str) -> list[Area]:
        """Municipalities a visitor's search means: an exact name, slug or code, else every partial name match.

        One result is the municipality; several mean the search was ambiguous; none that nothing matched.
        """
        text = " ".join(query.split()).casefold()
        text = text.removesuffix(" kommune").strip()
        if not text:
            return []
        from municipalities.reference_data import danish_slug  # it imports this module

        areas = list(self.municipalities())
        slug = danish_slug(text)
        exact = [a for a in areas if text in {a.name.casefold(), a.code.casefold()} or slug == a.slug]
        if exact:
            return exact[:1]
        return [a for a in areas if text in a.name.casefold() or (slug and slug in a.slug)]

    def country(self) -> Area:
        """The single "Hele landet" area."""
        return self.get(kind=Area.Kind.COUNTRY)


class Area(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommune")
        REGION = "region", _("Region")
        RAR = "rar", _("RAR-område")
        COUNCIL = "council", _("Regionalt beskæftigelsesråd")
        COUNTRY = "country", _("Hele landet")

    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("kode"), max_length=16, help_text=_("Officiel kode, fx 101 for København."))
    name = models.CharField(_("navn"), max_length=100, help_text=_("Navnet som Jobindsats staver det."))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    region = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="municipalities_in_region",
        limit_choices_to={"kind": "region"},
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("område")
        verbose_name_plural = _("områder")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="municipalities_area_one_per_kind_code"),
            models.UniqueConstraint(fields=["kind", "name"], name="municipalities_area_one_per_kind_name"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="country"), name="municipalities_area_one_country"
            ),
            models.CheckConstraint(
                condition=Q(kind="municipality", region__isnull=False) | ~Q(kind="municipality"),
                name="municipalities_area_municipality_has_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipality", kwargs={"slug": self.slug})

    @property
    def group_name(self) -> str:
        """A regional group as people name it ("RAR Østjylland", "Regionalt beskæftigelsesråd Midtjylland")."""
        if self.kind == Area.Kind.RAR:
            return _("RAR %(name)s") % {"name": self.name}
        if self.kind == Area.Kind.COUNCIL:
            return _("Regionalt beskæftigelsesråd %(name)s") % {"name": self.name}
        return self.name

    def clean(self) -> None:
        if self.region_id and self.region.kind != Area.Kind.REGION:
            raise ValidationError({"region": _("Regionen skal være et område af typen region.")})


def _in_force(memberships: list[RarMembership], year: int) -> RarMembership | None:
    """The membership valid in the year; failing that the nearest in time (the newest begun by then, else the first).

    Regional groups are redrawn now and then (eight RAR areas 2015–2024, five regional councils from 2025): a year
    no membership covers yet still gets the group nearest to it rather than none.
    """
    valid = [m for m in memberships if m.valid_from <= year and (m.valid_to is None or m.valid_to >= year)]
    begun = [m for m in memberships if m.valid_from <= year]
    if valid or begun:
        return max(valid or begun, key=lambda m: m.valid_from)
    return min(memberships, key=lambda m: m.valid_from, default=None)


GROUP_KINDS = ("rar", "council")


@dataclass
class RegionalTimeline:
    """Every municipality's memberships, read once: which group it is in, in any year (see _in_force)."""

    by_municipality: dict[int, list[RarMembership]]

    def in_year(self, year: int, *, kind: str | None = None) -> dict[int, Area]:
        """Each municipality's group in the year (only groups of `kind` when given): municipality id → group."""
        result = {}
        for m_id, memberships in self.by_municipality.items():
            found = _in_force([m for m in memberships if kind is None or m.rar.kind == kind], year)
            if found is not None:
                result[m_id] = found.rar
        return result


class RarMembershipQuerySet(models.QuerySet):
    def timeline(self) -> RegionalTimeline:
        """All memberships in one query, to ask for groups in several years (a chart spanning 2024 and 2025)."""
        by_municipality: dict[int, list[RarMembership]] = {}
        for membership in self.select_related("rar"):
            by_municipality.setdefault(membership.municipality_id, []).append(membership)
        return RegionalTimeline(by_municipality)

    def regional_groups(self, *, year: int, kind: str | None = None) -> dict[int, Area]:
        """Each municipality's regional group in a year: municipality id → group area.

        The one place that answers "which group is municipality M in, in year P" (its RAR area until 2024, its
        regional council from 2025): the status page, the comparison page and every other reader ask here.
        `kind` keeps to one kind of group (the RAR areas of a table published per RAR area).
        """
        return self.timeline().in_year(year, kind=kind)

    def regional_group_of(self, municipality: Area, *, year: int) -> Area | None:
        """One municipality's regional group (its RAR area) in a year, or None when it has no membership."""
        return self.filter(municipality=municipality).regional_groups(year=year).get(municipality.id)


class RarMembership(models.Model):
    """A municipality's membership of a regional group in some years; editable data.

    The group is a RAR area (2015–2024) or, from 2025, a regional employment council (one per region).
    """

    rar = models.ForeignKey(
        Area,
        verbose_name=_("RAR-område eller regionalt beskæftigelsesråd"),
        on_delete=models.CASCADE,
        related_name="rar_members",
        limit_choices_to={"kind__in": GROUP_KINDS},
    )
    municipality = models.ForeignKey(
        Area,
        verbose_name=_("kommune"),
        on_delete=models.CASCADE,
        related_name="rar_memberships",
        limit_choices_to={"kind": "municipality"},
    )
    valid_from = models.PositiveSmallIntegerField(_("gælder fra år"), default=2015)
    valid_to = models.PositiveSmallIntegerField(_("gælder til og med år"), null=True, blank=True)

    objects = RarMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("RAR-medlemskab")
        verbose_name_plural = _("RAR-medlemskaber")
        ordering = ["rar__name", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rar", "municipality", "valid_from"],
                name="municipalities_rarmembership_one_per_start",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="municipalities_rarmembership_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} → {self.rar}"

    def clean(self) -> None:
        errors = {}
        if self.rar_id and self.rar.kind not in GROUP_KINDS:
            errors["rar"] = _("Vælg et RAR-område eller et regionalt beskæftigelsesråd.")
        if self.municipality_id and self.municipality.kind != Area.Kind.MUNICIPALITY:
            errors["municipality"] = _("Vælg en kommune.")
        if errors:
            raise ValidationError(errors)
