"""The municipality's Atom feed: valid XML in the Atom namespace, the same events as the mails, announced in <head>."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from notifications import tasks
from notifications.models import NotificationEvent
from tests.notifications.conftest import finish_pull, set_randers_values

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(content: bytes) -> ET.Element:
    """Our own server's reply, in a test: no untrusted XML."""
    return ET.fromstring(content)  # noqa: S314


def test_the_feed_is_atom_with_the_municipalitys_events(client, share_data):
    set_randers_values(share_data, "9.0")
    finish_pull(share_data)
    tasks.send_digests.delay()
    set_randers_values(share_data, "1.0")
    finish_pull(share_data)
    tasks.send_digests.delay()

    response = client.get("/kommune/randers/atom/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Måltavlen: nyt om Randers"
    entries = root.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert len(entries) == NotificationEvent.objects.filter(municipality__slug="randers").count() == 3
    assert titles[0] == f"Ikke længere på rette spor: {share_data.name}"  # newest first
    assert titles.count(f"Nye tal: {share_data.name}") == 2
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("tag:maaltavlen,event:")
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/kommune/randers/")
        assert entry.findtext(f"{ATOM}updated")


def test_the_feed_holds_only_its_own_municipalitys_events(client, share_data):
    finish_pull(share_data)
    tasks.send_digests.delay()

    aarhus = parse(client.get("/kommune/aarhus/atom/").content)
    randers = parse(client.get("/kommune/randers/atom/").content)

    assert all("Aarhus" not in (e.findtext(f"{ATOM}summary") or "") for e in randers.findall(f"{ATOM}entry"))
    assert len(aarhus.findall(f"{ATOM}entry")) == 1  # the goal's indicator is on every municipality's page


def test_an_unknown_municipality_has_no_feed(client, reference_data):
    assert client.get("/kommune/atlantis/atom/").status_code == 404


def test_the_status_page_announces_the_feed_in_its_head(client, share_data):
    page = client.get("/kommune/randers/").content.decode()
    head = page.split("</head>")[0]

    assert (
        '<link rel="alternate" type="application/atom+xml" href="/kommune/randers/atom/" '
        'title="Nyt om Randers (Atom)">'
    ) in head
