"""The admin shows a snapshot and never changes it."""

from __future__ import annotations

from django.urls import reverse

from meetings.models import Snapshot


def test_admin_shows_a_snapshot_read_only(client, admin_user, snapshot):
    client.force_login(admin_user)
    url = reverse("admin:meetings_snapshot_change", args=[snapshot.pk])

    page = client.get(url)
    refused = client.post(url, {"meeting_name": "Byrådet", "meeting_date": "2024-03-12"})

    assert page.status_code == 200 and "Beskæftigelsesudvalget" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    assert Snapshot.objects.get().meeting_name == "Beskæftigelsesudvalget"
