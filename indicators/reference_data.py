"""The known ministerial indicators (API.md § The minister's goals), seeded unbound: table ids are unknown."""

from __future__ import annotations

from django.db import transaction

from indicators.models import Indicator

MINISTERIAL_INDICATORS: list[dict] = [
    {
        "code": "mm17-andel-opkvalificering",
        "name": "Andel ydelsesmodtagere, der har påbegyndt et opkvalificeringsforløb",
        "catalogue_hint": "MM17",
        "period_type": "M",
        "unit": Indicator.Unit.PERCENT,
        "better_direction": Indicator.Direction.UP,
        "definition": (
            "Modtagere af dagpenge, kontanthjælp, uddannelseshjælp og ledighedsydelse, som i måneden har påbegyndt "
            "ordinær uddannelse, 6 ugers jobrettet uddannelse eller voksenlærlingeforløb, i procent af "
            "ydelsesmodtagerne (Jobindsats, Ministerens mål: MM17)."
        ),
    },
    {
        "code": "mm17-antal-opkvalificering",
        "name": "Antal ydelsesmodtagere, der har påbegyndt et opkvalificeringsforløb",
        "catalogue_hint": "MM17",
        "period_type": "M",
        "unit": Indicator.Unit.COUNT,
        "better_direction": Indicator.Direction.UP,
        "definition": "Antal ydelsesmodtagere, der i måneden har påbegyndt et opkvalificeringsforløb (MM17).",
    },
    {
        "code": "mm13-andel-beskaeftigede",
        "name": "Andel flygtninge og familiesammenførte til flygtninge i beskæftigelse",
        "catalogue_hint": "MM13",
        "period_type": "M",
        "unit": Indicator.Unit.PERCENT,
        "better_direction": Indicator.Direction.UP,
        "definition": (
            "Flygtninge og familiesammenførte til flygtninge, 18–66 år: andel i ustøttet beskæftigelse i måneden "
            "(Jobindsats, Ministerens mål: MM13). Støttet beskæftigelse tæller ikke med."
        ),
    },
    {
        "code": "mm13-antal-befolkning",
        "name": "Antal flygtninge og familiesammenførte til flygtninge i befolkningen, 18–66 år",
        "catalogue_hint": "MM13",
        "period_type": "M",
        "unit": Indicator.Unit.COUNT,
        "better_direction": Indicator.Direction.NEUTRAL,
        "definition": "Grundlaget for andelen i beskæftigelse (MM13).",
    },
    {
        "code": "forgaeves-rekrutteringer-antal",
        "name": "Antal forgæves rekrutteringer",
        "catalogue_hint": "forgæves",
        "period_type": "",
        "area_level": Indicator.AreaLevel.RAR,
        "area_hierarchy": "_reko",
        "unit": Indicator.Unit.COUNT,
        "better_direction": Indicator.Direction.DOWN,
        "provisional_months": 0,
        "definition": (
            "Virksomhedernes forgæves rekrutteringer, fra STAR's halvårlige rekrutteringssurvey; opgjort for "
            "RAR-områder, ikke for kommuner. I 2019 var ministermålet antallet set mod et år før."
        ),
    },
    {
        "code": "forgaeves-rekrutteringer-andel",
        "name": "Andel forgæves rekrutteringer",
        "catalogue_hint": "forgæves",
        "period_type": "",
        "area_level": Indicator.AreaLevel.RAR,
        "area_hierarchy": "_reko",
        "unit": Indicator.Unit.PERCENT,
        "better_direction": Indicator.Direction.DOWN,
        "provisional_months": 0,
        "definition": (
            "Forgæves rekrutteringer i procent af virksomhedernes rekrutteringsforsøg, fra STAR's halvårlige "
            "rekrutteringssurvey; opgjort for RAR-områder, ikke for kommuner."
        ),
    },
]


# share indicator → the count of persons it is built on (for the small-number rule). MM17 publishes a count and a
# share (API.md § The minister's goals): the count of starters is the share's base, so a share of 0 or few
# persons is hidden instead of shown as 0,0 %. Installs seeded earlier get it from migration 0003.
BASES = {
    "mm13-andel-beskaeftigede": "mm13-antal-befolkning",
    "mm17-andel-opkvalificering": "mm17-antal-opkvalificering",
}


@transaction.atomic
def load_ministerial_indicators() -> list[str]:
    """Create the seeded indicators that do not exist yet (their codes are returned); never overwrite an admin's edit."""
    created: list[Indicator] = []
    for definition in MINISTERIAL_INDICATORS:
        fields = dict(definition)
        indicator, was_created = Indicator.objects.get_or_create(code=fields.pop("code"), defaults=fields)
        if was_created:
            created.append(indicator)
    for indicator in created:
        if indicator.code in BASES:
            indicator.base_indicator = Indicator.objects.get(code=BASES[indicator.code])
            indicator.save(update_fields=["base_indicator"])
    return [indicator.code for indicator in created]
