"""The Plotly bundle that setup puts in static/vendor/: the right plotly.js, with our chart types."""

import io

import pytest
from django.core.management import CommandError, call_command
from plotly.offline import get_plotlyjs_version

from indicators.management.commands import vendor_plotly
from indicators.management.commands.vendor_plotly import describe_bundle


def test_vendored_bundle_is_plotly_of_the_python_package_version_with_scatter_and_bar():
    assert vendor_plotly.BUNDLE_PATH.exists(), "static/vendor/plotly.min.js is missing: run `make setup`"

    bundle = describe_bundle(vendor_plotly.BUNDLE_PATH.read_bytes())

    assert bundle is not None
    assert bundle.version == get_plotlyjs_version()
    assert {"scatter", "bar"} <= bundle.traces


def test_describe_bundle_reads_a_partial_bundles_banner_and_traces():
    content = (
        b"/**\n* plotly.js (basic - minified) v4.1.1\n* Copyright 2012-2026, Plotly, Inc.\n*/\n"
        b'x={moduleType:"trace",name:"bar",basePlotModule:a};y={moduleType:"trace",name:"scatter"}'
    )

    bundle = describe_bundle(content)

    assert (bundle.variant, bundle.version, bundle.traces) == (
        "basic",
        "4.1.1",
        frozenset({"bar", "scatter"}),
    )


def test_describe_bundle_rejects_a_file_that_is_not_plotly():
    assert describe_bundle(b"console.log('hello');") is None


@pytest.fixture
def bundle_path(tmp_path, monkeypatch):
    path = tmp_path / "vendor" / "plotly.min.js"
    monkeypatch.setattr(vendor_plotly, "BUNDLE_PATH", path)
    return path


def test_without_npm_the_full_bundle_of_the_plotly_package_is_used(bundle_path, monkeypatch):
    monkeypatch.setattr(vendor_plotly.shutil, "which", lambda name: None)
    stderr = io.StringIO()

    call_command("vendor_plotly", stdout=io.StringIO(), stderr=stderr)

    bundle = describe_bundle(bundle_path.read_bytes())
    assert (bundle.variant, bundle.version) == ("full", get_plotlyjs_version())
    assert "npm is not installed" in stderr.getvalue()


def test_asking_for_npm_without_npm_fails_and_writes_nothing(bundle_path, monkeypatch):
    monkeypatch.setattr(vendor_plotly.shutil, "which", lambda name: None)

    with pytest.raises(CommandError, match="npm is not installed"):
        call_command("vendor_plotly", "--source", "npm", stdout=io.StringIO(), stderr=io.StringIO())
    assert not bundle_path.exists()


def test_a_bundle_of_another_plotly_version_is_refused(bundle_path, monkeypatch):
    stale = b"/**\n* plotly.js (basic - minified) v2.0.0\n*/\n" + b'{moduleType:"trace",name:"scatter"}' * 2
    monkeypatch.setattr(vendor_plotly, "fetch_basic_bundle", lambda version: stale)

    with pytest.raises(CommandError, match="v2.0.0"):
        call_command("vendor_plotly", "--source", "npm", stdout=io.StringIO(), stderr=io.StringIO())


def test_an_up_to_date_bundle_is_kept_without_asking_npm(bundle_path, monkeypatch):
    bundle_path.parent.mkdir(parents=True)
    bundle_path.write_bytes(f"/**\n* plotly.js (basic - minified) v{get_plotlyjs_version()}\n*/".encode())

    def no_npm(version):
        raise AssertionError("npm was asked although the bundle is up to date")

    monkeypatch.setattr(vendor_plotly, "fetch_basic_bundle", no_npm)
    stdout = io.StringIO()

    call_command("vendor_plotly", stdout=stdout)

    assert "up to date" in stdout.getvalue()
