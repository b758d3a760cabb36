"""What is measured, where it comes from, the observed values, and the record of every pull."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.suppression import shown_value
from municipalities.models import Area


class JobindsatsTable(models.Model):
    """One table of the Jobindsats catalogue (API.md § Catalogue), as last synced."""

    table_id = models.CharField(
        _("tabel-id"), max_length=64, unique=True, help_text=_("Med små bogstaver, fx y30r21.")
    )
    name = models.CharField(_("navn"), max_length=500)
    subject = models.CharField(_("emne"), max_length=200, blank=True)
    table_group = models.CharField(_("tabelgruppe"), max_length=200, blank=True)
    update_latest_raw = models.CharField(_("senest opdateret (rå)"), max_length=64, blank=True)
    update_latest = models.DateTimeField(_("senest opdateret"), null=True, blank=True)
    update_next_raw = models.CharField(_("næste opdatering (rå)"), max_length=64, blank=True)
    update_next = models.DateTimeField(_("næste opdatering"), null=True, blank=True)
    update_freq = models.CharField(_("opdateringsfrekvens"), max_length=64, blank=True)
    period_types = models.JSONField(_("periodetyper"), default=list, blank=True)
    metadata = models.JSONField(
        _("tabelmetadata"), null=True, blank=True, help_text=_("Seneste /table/{id}-svar.")
    )
    synced_at = models.DateTimeField(_("hentet"), null=True, blank=True)

    class Meta:
        verbose_name = _("Jobindsats-tabel")
        verbose_name_plural = _("Jobindsats-tabeller")
        ordering = ["subject", "table_group", "table_id"]

    def __str__(self) -> str:
        return f"{self.table_id} – {self.name}"


class Indicator(models.Model):
    """An indicator definition: data an admin can edit (table, measure, period type, areas, unit, direction)."""

    class Source(models.TextChoices):
        JOBINDSATS = "jobindsats", _("Jobindsats")
        LOCAL = "local", _("Lokal indtastning")

    class Unit(models.TextChoices):
        COUNT = "count", _("Antal")
        PERCENT = "percent", _("Procent")
        RATE = "rate", _("Rate")
        PER_THOUSAND = "per_thousand", _("Pr. 1.000")
        SCORE = "score", _("Score på en skala")

    class Direction(models.TextChoices):
        UP = "up", _("Højere er bedre")
        DOWN = "down", _("Lavere er bedre")
        NEUTRAL = "neutral", _("Ingen retning")

    class AreaLevel(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommuner")
        RAR = "rar", _("RAR-områder")

    code = models.SlugField(_("kode"), max_length=64, unique=True)
    name = models.CharField(_("navn"), max_length=300)
    source = models.CharField(_("kilde"), max_length=16, choices=Source.choices, default=Source.JOBINDSATS)
    catalogue_hint = models.CharField(
        _("søgetekst i kataloget"),
        max_length=100,
        blank=True,
        help_text=_("Tekst i tabellens navn i Jobindsats' katalog, fx MM17; bruges til at foreslå en tabel."),
    )
    table = models.ForeignKey(
        JobindsatsTable,
        verbose_name=_("tabel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
        help_text=_("Ubundet indtil tabellen er fundet i kataloget."),
    )
    measure_label = models.CharField(
        _("målets kolonnenavn"),
        max_length=300,
        blank=True,
        help_text=_("Kolonnens visningsnavn i data-svaret, fx 'Andel i beskæftigelse (pct.)'."),
    )
    mgroup_id = models.CharField(_("målgruppe-id"), max_length=64, blank=True)
    measure_id = models.CharField(_("mål-id"), max_length=64, blank=True)
    period_type = models.CharField(
        _("periodetype"),
        max_length=8,
        blank=True,
        help_text=_("M, Q, QMAT, Y …; sættes ved binding, hvis tom."),
    )
    area_level = models.CharField(
        _("områdeniveau"), max_length=16, choices=AreaLevel.choices, default=AreaLevel.MUNICIPALITY
    )
    area_hierarchy = models.CharField(_("områdehierarki"), max_length=32, default="_nykom")
    breakdown_filters = models.JSONField(
        _("opdelingsfiltre"),
        default=dict,
        blank=True,
        help_text=_('Hierarki → udvælgelse, fx {"_ydelsesgrp": "*"}; "/" er i alt.'),
    )
    unit = models.CharField(_("enhed"), max_length=16, choices=Unit.choices, default=Unit.PERCENT)
    better_direction = models.CharField(
        _("bedre retning"), max_length=8, choices=Direction.choices, default=Direction.UP
    )
    definition = models.TextField(_("definition"), blank=True)
    provisional_months = models.PositiveSmallIntegerField(
        _("foreløbige måneder"),
        default=2,
        help_text=_("De nyeste perioder, der stadig kan få sene registreringer."),
    )
    base_indicator = models.ForeignKey(
        "self",
        verbose_name=_("grundlag"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Antallet, som en andel er beregnet af; værdier med et grundlag under tærsklen vises ikke."
        ),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Local indicators (source = local): a municipality's own measure, or a shared one (no municipality) that many
    # municipalities report the same way. Their values are entered by the municipalities and approved by a second
    # person (LocalValue) before they become observations like any Jobindsats value.
    municipality = models.ForeignKey(
        Area,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_indicators",
        limit_choices_to={"kind": "municipality"},
        help_text=_(
            "Kommunen, der ejer en lokal indikator; tom for Jobindsats-indikatorer og fælles indikatorer."
        ),
    )
    scale = models.CharField(
        _("skala"), max_length=100, blank=True, help_text=_("For en score: skalaen, fx 1–5 (5 er bedst).")
    )
    serves_goals = models.JSONField(
        _("tjener mål"),
        default=list,
        blank=True,
        help_text=_("Numrene på de mål, indikatoren følger, fx [1]."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="local") | ~Q(catalogue_hint="") | Q(table__isnull=False),
                name="indicators_indicator_jobindsats_has_reference",
            ),
            models.CheckConstraint(
                condition=Q(source="local") | Q(municipality__isnull=True),
                name="indicators_indicator_only_local_has_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_local(self) -> bool:
        """Entered by municipalities (a municipality's own measure or a shared one), not pulled from Jobindsats."""
        return self.source == self.Source.LOCAL

    @property
    def is_shared(self) -> bool:
        """A local indicator many municipalities report the same way (defined by an admin)."""
        return self.is_local and self.municipality_id is None

    @property
    def is_bound(self) -> bool:
        """Whether a Jobindsats table and measure are chosen, so the indicator can be pulled."""
        return (
            self.source == self.Source.JOBINDSATS and self.table_id is not None and bool(self.measure_label)
        )


@lru_cache(maxsize=4)
def _shown_expression(min_base: int) -> models.Expression:
    """with_shown_value's expression, built once per threshold (shown_value reads it from the setting).

    Building the subquery's filters took a third of the time the API spends turning a page into SQL; Django
    copies an expression when a queryset uses it, so one instance serves every queryset.
    """
    bases = Observation.objects.filter(
        indicator_id=OuterRef("indicator__base_indicator_id"),
        area_id=OuterRef("area_id"),
        period=OuterRef("period"),
        breakdown=OuterRef("breakdown"),
    )
    return shown_value(bases=bases)


class ObservationQuerySet(models.QuerySet):
    def with_shown_value(self) -> ObservationQuerySet:
        """Each observation with `shown`: its value, or None where the small-number rule hides it.

        The one place values meet their bases (indicators.suppression): pages, exports, embeds and the API all
        read `shown`, never `value`, so they hide the same values.
        """
        return self.annotate(shown=_shown_expression(settings.SUPPRESSION_MIN_BASE))

    # Rows as plain tuples in this order, for the page read paths (no model instances: they are hot paths).
    # "shown" is the value under the small-number rule (with_shown_value), None when hidden.
    PAGE_FIELDS = ("indicator_id", "area_id", "period", "period_start", "shown", "provisional")

    def for_municipality_page(
        self, *, indicator_ids: set[int], area_ids: set[int], start: date, end: date
    ) -> ObservationQuerySet:
        """Totals of some indicators for some areas in a window, as shown (the status page's read path)."""
        window = self._totals_in_window(indicator_ids=indicator_ids, area_ids=area_ids, start=start, end=end)
        return window.with_shown_value().order_by("period_start").values_list(*self.PAGE_FIELDS)

    def latest_fetches(
        self, *, indicator_ids: set[int], area_ids: set[int], start: date, end: date
    ) -> ObservationQuerySet:
        """(indicator id, when our copy was last fetched) for the status page's window: its freshness line."""
        return (
            self._totals_in_window(indicator_ids=indicator_ids, area_ids=area_ids, start=start, end=end)
            .order_by()
            .values("indicator_id")
            .annotate(latest=models.Max("fetched_at"))
            .values_list("indicator_id", "latest")
        )

    def _totals_in_window(
        self, *, indicator_ids: set[int], area_ids: set[int], start: date, end: date
    ) -> ObservationQuerySet:
        return self.filter(
            indicator_id__in=indicator_ids,
            area_id__in=area_ids,
            breakdown="",
            period_start__gte=start,
            period_start__lte=end,
        )

    def for_comparison_page(
        self,
        *,
        indicator_ids: set[int],
        period: str | None,
        series_area_ids: set[int],
        start: date,
        end: date,
    ) -> ObservationQuerySet:
        """Every area's total in one period, plus a few areas' series in a window (the comparison page's read path).

        period None: the series alone (the period's figures are at hand).
        """
        series = Q(area_id__in=series_area_ids, period_start__gte=start, period_start__lte=end)
        wanted = series | Q(period=period) if period is not None else series
        return (
            self.filter(Q(indicator_id__in=indicator_ids, breakdown="") & wanted)
            .with_shown_value()
            .order_by("period_start")
            .values_list(*self.PAGE_FIELDS)
        )

    def periods_of(self, *, indicator_id: int) -> ObservationQuerySet:
        """The periods an indicator has totals for, newest first (the period picker)."""
        return (
            self.filter(indicator_id=indicator_id, breakdown="")
            .order_by("-period_start")
            .values_list("period", "period_start")
            .distinct()
        )


class Observation(models.Model):
    """One value: indicator × area × period × breakdown. Revised values keep their history in ObservationRevision."""

    # No index of its own: indicators_observation_one_per_period leads with indicator, and serves every lookup by it
    # (one index fewer to maintain on a 1M-row bulk upsert).
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="observations", db_index=False
    )
    # No index of its own either: every read path names the indicator (the unique key leads with it). Areas are
    # reference data, never deleted in use, so the PROTECT check on deleting one may scan; the index it would need
    # cost every first pull a tenth of its writing (bench/ingest.py).
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="observations", db_index=False)
    period_type = models.CharField(_("periodetype"), max_length=8)
    period = models.CharField(_("periode"), max_length=16, help_text=_("Jobindsats' kode, fx 2023M01."))
    period_start = models.DateField(_("periodens start"))
    breakdown = models.CharField(_("opdeling"), max_length=200, default="", blank=True)
    value = models.DecimalField(_("værdi"), max_digits=18, decimal_places=4, null=True, blank=True)
    suppressed = models.BooleanField(_("diskretioneret"), default=False)
    provisional = models.BooleanField(_("foreløbig"), default=False)
    fetched_at = models.DateTimeField(_("hentet"))
    local_value = models.ForeignKey(
        "LocalValue",
        verbose_name=_("lokal indtastning"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "For lokale indikatorer: den godkendte indtastning (hvem indtastede, hvem godkendte, hvornår)."
        ),
        # Only the partial index below: a full index would be maintained for every Jobindsats row of a 1M-row pull.
        db_index=False,
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observationer")
        constraints = [
            # Also serves chart series: a few indicators and areas, one breakdown, ordered by period
            # (for_municipality_page, the series part of for_comparison_page, the API's pages). Within an
            # indicator, period codes sort as their starts (one period type each; indicators.periods), so this
            # key also does the work a separate (indicator, area, breakdown, period_start) index did, and a
            # first pull maintains one text-keyed index fewer (bench/ingest.py).
            models.UniqueConstraint(
                fields=["indicator", "area", "breakdown", "period"],
                name="indicators_observation_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(suppressed=True),
                name="indicators_observation_missing_is_suppressed",
            ),
        ]
        indexes = [
            # Serves comparison pages: one indicator, one period, every area's total (for_comparison_page, periods_of).
            # Totals only: no read path takes a cross-section of a breakdown, and a first pull with breakdowns then
            # maintains it for a fraction of its rows (bench/ingest.py).
            models.Index(
                fields=["indicator", "period"], condition=Q(breakdown=""), name="obs_cross_section_idx"
            ),
            # Serves "who entered and approved the shown local values" (goals.local_indicators) and SET NULL when an
            # entry is deleted; partial, so a Jobindsats pull (local_value always NULL) never touches it.
            models.Index(
                fields=["local_value"], condition=Q(local_value__isnull=False), name="obs_local_value_idx"
            ),
        ]

    def __str__(self) -> str:
        value = "–" if self.value is None else self.value
        return f"{self.indicator.code} {self.area} {self.period} {self.breakdown or 'i alt'}: {value}"


class IngestionRun(models.Model):
    """What was pulled when, with what outcome; an error here is never stored as data."""

    class Kind(models.TextChoices):
        CATALOGUE = "catalogue", _("Katalog")
        INDICATOR = "indicator", _("Indikator")

    class Status(models.TextChoices):
        RUNNING = "running", _("I gang")
        SUCCEEDED = "succeeded", _("Gennemført")
        FAILED = "failed", _("Fejlet")

    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.INDICATOR)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="ingestion_runs"
    )
    table_id = models.CharField(_("tabel-id"), max_length=64, blank=True)
    table_update_latest_raw = models.CharField(
        _("tabellens 'senest opdateret' ved hentning"), max_length=64, blank=True
    )
    data_origin = models.CharField(
        _("datakilde"),
        max_length=32,
        blank=True,
        help_text=_("'jobindsats' eller 'sandbox' (syntetiske demodata)."),
    )
    started_at = models.DateTimeField(_("startet"))
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("senest i live"),
        null=True,
        blank=True,
        help_text=_("Opdateres jævnligt, mens hentningen kører; står den stille, er processen stoppet."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    rows_inserted = models.PositiveIntegerField(_("nye rækker"), default=0)
    rows_updated = models.PositiveIntegerField(_("ændrede rækker"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("uændrede rækker"), default=0)
    rows_ignored = models.PositiveIntegerField(_("ignorerede rækker"), default=0)
    error_kind = models.CharField(_("fejltype"), max_length=32, blank=True)
    error = models.TextField(_("fejl"), blank=True)
    reply_digests = models.JSONField(
        _("svarenes fingeraftryk"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Pr. forespørgsel svarets fingeraftryk og rækker: en senere hentning springer uændrede svar over."
        ),
    )

    class Meta:
        verbose_name = _("hentning")
        verbose_name_plural = _("hentninger")
        ordering = ["-started_at"]
        indexes = [
            # Serves "last run / last successful run per indicator" (ingest_due, source health).
            models.Index(fields=["indicator", "status", "-started_at"], name="run_latest_idx"),
            # Serves the data version every page visit reads (goals/page_cache.py, MAX(finished_at)): without it a
            # scan of every run ever, a year of daily pulls is ≈10,000 rows.
            models.Index(fields=["finished_at"], name="run_finished_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="indicators_ingestionrun_finishes_after_start",
            ),
        ]

    def __str__(self) -> str:
        subject = self.indicator.code if self.indicator_id else self.get_kind_display()
        return f"{subject} {self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class ObservationRevision(models.Model):
    """An earlier value of an observation, kept when Jobindsats revised it."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    value = models.DecimalField(_("tidligere værdi"), max_digits=18, decimal_places=4, null=True, blank=True)
    suppressed = models.BooleanField(_("diskretioneret"), default=False)
    provisional = models.BooleanField(_("foreløbig"), default=False)
    fetched_at = models.DateTimeField(_("hentet"), help_text=_("Hvornår den tidligere værdi blev hentet."))
    replaced_at = models.DateTimeField(_("erstattet"))
    run = models.ForeignKey(
        IngestionRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
        verbose_name=_("erstattet af hentning"),
    )

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisioner")
        ordering = ["observation", "fetched_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "fetched_at"], name="indicators_revision_one_per_fetch"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.observation} (før {self.replaced_at:%Y-%m-%d}: {self.value})"

    @classmethod
    def of(
        cls, observation: Observation, *, replaced_at, run: IngestionRun | None = None
    ) -> ObservationRevision:
        """The observation as it stands, kept (unsaved) before a new value replaces it."""
        return cls(
            observation=observation,
            value=observation.value,
            suppressed=observation.suppressed,
            provisional=observation.provisional,
            fetched_at=observation.fetched_at,
            replaced_at=replaced_at,
            run=run,
        )


class LocalValue(models.Model):
    """A value a municipality entered for a local indicator: a draft until a second person approves it.

    Approving copies the value into Observation (and its base into the base indicator's observation), with the
    earlier value kept as an ObservationRevision, so every page reads local values exactly like Jobindsats ones and
    sees only approved values. Drafts stay here, visible to the municipality's own users only.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Afventer godkendelse")
        APPROVED = "approved", _("Godkendt")
        REJECTED = "rejected", _("Afvist")
        WITHDRAWN = "withdrawn", _("Erstattet af en nyere indtastning")

    class Origin(models.TextChoices):
        FORM = "form", _("Formular")
        UPLOAD = "upload", _("Upload")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indikator"), on_delete=models.CASCADE, related_name="local_values"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="local_values"
    )
    period = models.CharField(
        _("periode"), max_length=16, help_text=_("Periodekode, fx 2024H2 eller 2024M12.")
    )
    period_start = models.DateField(_("periodens start"))
    value = models.DecimalField(_("værdi"), max_digits=18, decimal_places=4)
    base = models.DecimalField(
        _("grundlag"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Antallet, værdien er beregnet af (for andele); små grundlag vises ikke."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(_("indtastet via"), max_length=16, choices=Origin.choices, default=Origin.FORM)
    upload_name = models.CharField(_("filnavn"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("indtastet af"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("indtastet"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkendt/afvist af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("godkendt/afvist"), null=True, blank=True)
    reason = models.TextField(_("begrundelse for afvisning"), blank=True)

    class Meta:
        verbose_name = _("lokal værdi")
        verbose_name_plural = _("lokale værdier")
        ordering = ["indicator", "area", "period_start", "-entered_at"]
        constraints = [
            # One pending value per period: entering again replaces the draft (the old one is withdrawn).
            models.UniqueConstraint(
                fields=["indicator", "area", "period"],
                condition=Q(status="draft"),
                name="indicators_localvalue_one_draft_per_period",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(decided_at__isnull=False),
                name="indicators_localvalue_decision_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="indicators_localvalue_rejection_has_reason",
            ),
        ]
        indexes = [
            # Serves the drafts overlay and the approval list: one municipality's pending values per indicator.
            models.Index(fields=["area", "status", "indicator"], name="localvalue_pending_idx"),
            # Serves the data version every page visit reads (goals/page_cache.py, MAX(decided_at)).
            models.Index(fields=["decided_at"], name="localvalue_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area} {self.period}: {self.value} ({self.get_status_display()})"
