"""The site has its own icon: linked from every page, and at /favicon.ico for browsers that just ask."""

import pytest
from django.contrib.staticfiles import finders


def test_favicon_ico_redirects_to_the_static_icon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"


@pytest.mark.parametrize(
    ("name", "starts_with"),
    [
        ("favicon.ico", b"\x00\x00\x01\x00"),
        ("favicon.svg", b"<svg"),
        ("apple-touch-icon.png", b"\x89PNG"),
    ],
)
def test_the_icons_are_real_files_of_their_kind(name, starts_with):
    path = finders.find(name)

    assert path, f"static/{name} is missing"
    with open(path, "rb") as handle:
        assert handle.read().startswith(starts_with)


def test_pages_link_the_icon(client, reference_data):
    body = client.get("/").content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body
    assert '<link rel="icon" href="/static/favicon.ico"' in body
