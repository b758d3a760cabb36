"""Embeds: one chart with title, source and a link back, without the site chrome, allowed in a frame."""

import html


def test_status_chart_embed_has_no_site_chrome_and_may_be_framed(client, share_data):
    response = client.get("/embed/kommune/randers/mm17-andel-opkvalificering/", {"aar": "2023"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert 'class="site-header"' not in body and "skip-link" not in body
    assert 'id="chart-2-mm17-andel-opkvalificering"' in body
    assert "Kilde: Jobindsats.dk" in body
    assert 'href="/kommune/randers/?aar=2023#chart-2-mm17-andel-opkvalificering"' in body


def test_comparison_embed_links_back_to_the_same_view(client, share_data):
    response = client.get(
        "/embed/sammenlign/mm17-andel-opkvalificering/", {"kommune": "randers", "gruppe": "region"}
    )

    body = response.content.decode()
    assert 'id="chart-comparison"' in body
    assert "/sammenlign/mm17-andel-opkvalificering/?kommune=randers&amp;gruppe=region" in body


def test_the_normal_pages_still_refuse_framing(client, share_data):
    assert client.get("/kommune/randers/")["X-Frame-Options"] == "DENY"


def test_embed_of_an_unknown_indicator_is_a_404(client, share_data):
    assert client.get("/embed/kommune/randers/findes-ikke/").status_code == 404


def test_status_page_offers_the_iframe_code_for_each_chart(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    assert (
        '&lt;iframe src="http://testserver/embed/kommune/randers/mm17-andel-opkvalificering/?aar=2023"'
        in body
    )


def test_embeds_say_which_parameters_were_ignored(client, share_data):
    status = client.get("/embed/kommune/randers/mm17-andel-opkvalificering/", {"aar": "1999"})
    comparison = client.get("/embed/sammenlign/mm17-andel-opkvalificering/", {"periode": "2099M01"})

    assert "Året 1999 findes ikke" in status.content.decode()
    assert "Perioden “2099M01” findes ikke" in comparison.content.decode()


def test_comparison_embed_describes_the_chart_in_words(client, share_data):
    body = client.get(
        "/embed/sammenlign/mm17-andel-opkvalificering/", {"kommune": "randers"}
    ).content.decode()

    description = body.split('id="chart-comparison-description">', 1)[1].split("</p>", 1)[0]
    assert "98 kommuner med tal i" in description and "Randers:" in description


def test_the_copied_embed_code_keeps_quotes_and_ampersands_in_the_title_and_address(client, share_data):
    share_data.name = 'Andel i "job & uddannelse"'
    share_data.save()
    body = client.get("/kommune/randers/", {"aar": "2023", "visning": "alle-aar"}).content.decode()

    # What a browser puts in the textarea (and so on the clipboard): the textarea's text, decoded once.
    textarea = (
        body.split(f'id="chart-2-{share_data.code}-embed"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
    )
    code = html.unescape(textarea)

    assert 'title="Andel i &quot;job &amp; uddannelse&quot;"' in code
    assert (
        f'src="http://testserver/embed/kommune/randers/{share_data.code}/?aar=2023&amp;visning=alle-aar"'
        in code
    )
