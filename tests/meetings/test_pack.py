"""The meeting pack: a tagged PDF a reader can use, made once by a task, its failure shown with a retry."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from meetings import pack as pack_module
from meetings.models import MeetingPack
from meetings.pack import make_pack, pack_html, render_pack, request_pack
from tests.conftest import REQUIRE_SERVICES

# Skipped on a newcomer's machine without them; CI installs them and fails rather than skips (REQUIRE_SERVICES).
needs_pdf_tools = pytest.mark.skipif(
    not REQUIRE_SERVICES and (pack_module.pack_tool_problem() is not None or not shutil.which("pdftoppm")),
    reason="needs WeasyPrint with Pango and poppler-utils (apt-get install poppler-utils; CI installs it)",
)


def _structure(node, found: list) -> None:
    node = node.get_object()
    if "/S" in node:
        found.append((str(node["/S"]), str(node.get("/Alt", ""))))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
            _structure(kid, found)


@needs_pdf_tools
def test_pack_is_a_tagged_pdf_with_every_goal_chart_and_source_line(snapshot):
    pdf = render_pack(snapshot=snapshot, language="da")

    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "da"
    assert reader.metadata.title.startswith("Mødepakke: Randers Kommune, Beskæftigelsesudvalget")
    tags: list = []
    _structure(root["/StructTreeRoot"], tags)
    figures = [alt for tag, alt in tags if tag == "/Figure"]
    charts = [p for g in snapshot.content["languages"]["da"]["goals"] for p in g["panels"] if p["has_data"]]
    assert len(figures) == len(charts) >= 2
    assert all(alt for alt in figures)  # each chart described by its generated sentence
    assert {"/Table", "/TH", "/H1", "/H2"} <= {tag for tag, _alt in tags}
    bookmarks = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert "Randers Kommune" in bookmarks
    pages = [page.extract_text() for page in reader.pages]
    assert all("Kilde: Jobindsats.dk (STAR)" in text for text in pages)
    assert all(f"Side {n} / {len(pages)}" in text for n, text in enumerate(pages, start=1))
    text = "\n".join(pages)
    assert "Randers Kommune" in text and "Beskæftigelsesudvalget" in text and "12. marts 2024" in text
    for goal in snapshot.content["languages"]["da"]["goals"]:
        assert f"{goal['number']}. {goal['title']}"[:40] in text.replace("\n", " ")
    assert "4,2 %" in text.replace("\xa0", " ")  # a figure from the table (Randers, november 2024)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pack.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), f"{folder}/page"], check=True)
        assert len(list(Path(folder).glob("page-*.png"))) == len(pages)


@needs_pdf_tools
def test_pack_in_english_has_english_words_and_language(snapshot):
    reader = PdfReader(io.BytesIO(render_pack(snapshot=snapshot, language="en")))

    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Source: Jobindsats.dk (STAR)" in reader.pages[0].extract_text()


def test_pack_task_is_idempotent_and_the_pdf_is_served_again(
    client, snapshot, randers_chair, monkeypatch, django_capture_on_commit_callbacks
):
    made = []
    monkeypatch.setattr(pack_module, "render_pack", lambda **kw: made.append(kw) or b"%PDF-1.7 pack")
    client.force_login(randers_chair)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{snapshot.get_absolute_url()}pakke/", {"language": "da"})
    assert response.status_code == 302
    pack = MeetingPack.objects.get()
    make_pack(pack_id=pack.pk)  # a redelivered message
    with django_capture_on_commit_callbacks(execute=True):
        request_pack(snapshot=snapshot, language="da")  # a second click

    assert len(made) == 1
    download = client.get(f"{snapshot.get_absolute_url()}pakke/da/pdf")
    assert download.content == b"%PDF-1.7 pack" and download["Content-Type"] == "application/pdf"
    assert client.get(f"{snapshot.get_absolute_url()}pakke/da/status").json()["state"] == "done"
    assert len(made) == 1


def test_pack_failure_is_shown_with_a_retry_button(
    client, snapshot, randers_chair, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise ValueError("no fonts")

    monkeypatch.setattr(pack_module, "render_pack", broken)
    client.force_login(randers_chair)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{snapshot.get_absolute_url()}pakke/", {"language": "da"})

    page = client.get(f"{snapshot.get_absolute_url()}pakke/da/").content.decode()
    assert "Mødepakken kunne ikke laves" in page and "Prøv igen" in page
    assert client.get(f"{snapshot.get_absolute_url()}pakke/da/status").json()["state"] == "failed"

    monkeypatch.setattr(pack_module, "render_pack", lambda **kw: b"%PDF-1.7 second try")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{snapshot.get_absolute_url()}pakke/", {"language": "da"})
    assert client.get(f"{snapshot.get_absolute_url()}pakke/da/pdf").content == b"%PDF-1.7 second try"


def test_strangers_cannot_order_a_pack(client, snapshot, stranger):
    client.force_login(stranger)

    assert client.post(f"{snapshot.get_absolute_url()}pakke/", {"language": "da"}).status_code == 403
    assert not MeetingPack.objects.exists()


def test_chair_freezes_the_live_status_page_and_orders_its_pack_in_one_go(
    client, share_data, randers_chair, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(pack_module, "render_pack", lambda **kw: b"%PDF-1.7 from the status page")
    client.force_login(randers_chair)
    status_page = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()
    assert 'action="/kommune/randers/moeder/"' in status_page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/kommune/randers/moeder/",
            {
                "meeting_name": "Beskæftigelsesudvalget",
                "meeting_date": "2024-03-12",
                "year": "2024",
                "pack": "en",
            },
        )

    pack = MeetingPack.objects.select_related("snapshot").get()
    assert response["Location"] == f"/kommune/randers/moeder/{pack.snapshot.pk}/pakke/en/"
    assert pack.language == "en" and pack.state == "done"


def test_anonymous_visitors_get_no_freeze_form_on_the_status_page(client, share_data):
    assert 'action="/kommune/randers/moeder/"' not in client.get("/kommune/randers/").content.decode()


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_the_packs_chart_names_each_period_on_its_axis_once(count):
    from datetime import date as day
    from decimal import Decimal as D

    from indicators.charts import LineSeries
    from meetings.svg_chart import svg_line_chart

    periods = [str(2018 + i) for i in range(count)]
    line = LineSeries(
        name="Randers",
        role="main",
        periods=periods,
        starts=[day(int(p), 1, 1) for p in periods],
        values=[D(10 + i) for i in range(count)],
        provisional=[False] * count,
    )
    svg = svg_line_chart(unit="percent", series=[line])

    labels = [p for p in periods if f">{p}</text>" in svg]
    assert labels and all(svg.count(f">{p}</text>") == 1 for p in labels)
    assert periods[0] in labels and periods[-1] in labels


class _LangOfText(HTMLParser):
    """The language in force (the nearest lang attribute) for each piece of text in a page."""

    VOID = {"img", "br", "meta", "link", "hr", "input", "col", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip():
            lang = next((lang for _, lang in reversed(self.stack) if lang), None)
            self.texts.append((data.strip(), lang))


def test_english_pack_marks_every_text_the_municipality_wrote_in_danish(share_data, randers_chair):
    from datetime import date

    from goals.models import GoalSet, PlanGoal, Target
    from meetings.freeze import freeze_snapshot
    from municipalities.models import Area

    plan_goal = PlanGoal.objects.get(
        plan__goal_set__year=2024, plan__municipality__slug="randers", goal__number=1
    )
    Target.objects.create(
        plan_goal=plan_goal,
        narrative="Flere samtaler holdes på borgerens egen adresse",
        target_period="2024",
        target_value=80,
    )
    snapshot = freeze_snapshot(
        municipality=Area.objects.get(slug="randers"),
        goal_set=GoalSet.objects.get(year=2024),
        meeting_name="Beskæftigelsesudvalget",
        meeting_date=date(2024, 3, 12),
        made_by=randers_chair,
    )
    parser = _LangOfText()

    parser.feed(pack_html(snapshot=snapshot, language="en"))

    written = {"Flere samtaler holdes på borgerens egen adresse", plan_goal.text, plan_goal.goal.text}
    langs = {text: lang for text, lang in parser.texts if text in written}
    assert langs == dict.fromkeys(written, "da")
