"""Every malformed query parameter is a 400: JSON `{"error"}` on the API, the 400 page on the site; never a 500."""

import pytest

PAGES = [
    "/",
    "/kommune/",
    "/kommune/randers/",
    "/en/kommune/randers/",
    "/sammenlign/mm17-andel-opkvalificering/",
    "/embed/kommune/randers/mm17-andel-opkvalificering/",
    "/embed/sammenlign/mm17-andel-opkvalificering/",
    "/kommune/randers/mm17-andel-opkvalificering.csv",
    "/sammenlign/mm17-andel-opkvalificering/fordeling.csv",
]
NUL_PARAMETERS = [{"kommune": "rand\x00ers"}, {"aar": "2024\x00"}, {"periode": "\x00"}, {"x\x00": "1"}]
PAGING = [
    {"page": "99999999999999999999"},
    {"page": "1" * 5000},
    {"page_size": "99999999999999999999"},
    {"page_size": "-1"},
    {"page": "1.5"},
    {"page": "٣"},
    {"page": "1_0"},
    {"page": "500"},  # beyond the last page
]
API = {
    "/api/indicators/": NUL_PARAMETERS + PAGING,
    "/api/areas/": NUL_PARAMETERS + PAGING + [{"kind": "planet"}, {"kind": "\x00"}],
    "/api/observations/": NUL_PARAMETERS
    + PAGING
    + [
        {"indicator": "mm17\x00"},
        {"area": "\x00"},
        {"from": "2023M01\x00"},
        {"breakdown": "\x00"},
        {"from": "0000M01"},
        {"to": "0000"},
        {"from": "2023M13"},
        {"indicator": "nope"},
        {"area": "atlantis"},
    ],
}
# Values the pages read without a NUL: each is ignored with a notice or falls back, never a 500.
ODD_PAGE_PARAMETERS = [
    {"aar": "99999999999999999999"},
    {"aar": "0"},
    {"periode": "0000M01"},
    {"periode": "9" * 5000},
    {"kommune": "x" * 5000},
    {"kommuner": ",".join(["randers"] * 2000)},
    {"gruppe": "liste", "kommuner": "odense,\u202eevil"},
]


class TestBadParameters:
    @pytest.mark.parametrize(
        ("url", "params"), [(url, params) for url, cases in API.items() for params in cases]
    )
    def test_the_api_answers_400_with_an_error_message(self, client, reference_data, url, params):
        response = client.get(url, params)

        assert response.status_code == 400, response.content[:200]
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]

    @pytest.mark.parametrize("params", NUL_PARAMETERS)
    @pytest.mark.parametrize("url", PAGES)
    def test_a_page_answers_400_with_the_400_page(self, client, reference_data, url, params):
        response = client.get(url, params)

        assert response.status_code == 400
        heading = "This address cannot be used" if url.startswith("/en/") else "Adressen kan ikke bruges"
        assert heading in response.content.decode()

    def test_the_400_page_is_in_english_under_en(self, client, reference_data):
        response = client.get("/en/kommune/randers/", {"kommune": "\x00"})

        assert response.status_code == 400 and "This address cannot be used" in response.content.decode()

    @pytest.mark.parametrize("params", ODD_PAGE_PARAMETERS)
    @pytest.mark.parametrize("url", PAGES)
    def test_odd_values_never_make_a_page_fail(self, client, demo_plans, url, params):
        response = client.get(url, params)

        assert response.status_code in {200, 302, 404}

    def test_a_host_header_not_allowed_is_a_400_not_a_500(self, client, reference_data, settings):
        settings.DEBUG = False
        client.raise_request_exception = False

        assert client.get("/kommune/randers/", HTTP_HOST="localhost.evil.example").status_code == 400
