"""Put Plotly's JS in static/vendor/plotly.min.js: the smallest bundle with our chart types, never committed.

Our charts use two trace types, scatter (lines) and bar. The smallest official plotly.js bundle with both is
the "basic" partial bundle (bar, pie, scatter: ≈0.4 MB gzipped against ≈1.5 MB for the full one). No PyPI
package ships it, so it comes from the npm registry as `plotly.js-basic-dist-min`, pinned to the plotly.js
version that the installed plotly Python package was built for, so the figures it writes and the JS that
draws them agree. Where npm is missing or cannot reach its registry, the full bundle that the plotly Python
package ships is used instead: the pages work the same, only the first visit is heavier.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from plotly.offline import get_plotlyjs, get_plotlyjs_version

BUNDLE_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly.min.js"
NPM_PACKAGE = "plotly.js-basic-dist-min"
NPM_FILE = "package/plotly-basic.min.js"
REQUIRED_TRACES = frozenset({"scatter", "bar"})
NPM_TIMEOUT_SECONDS = 180
_BANNER_BYTES = 400

# The banner each dist bundle opens with: "plotly.js (basic - minified) v4.1.1" or "plotly.js v4.1.1".
_BANNER = re.compile(r"plotly\.js (?:\((?P<variant>[a-z0-9-]+)[^)]*\) )?v(?P<version>\d+\.\d+\.\d+\S*)")
# Each trace module registers itself as {moduleType:"trace",name:"bar",...} in the minified source.
_TRACE = re.compile(rb'moduleType:"trace",name:"(\w+)"')


class BundleUnavailable(Exception):
    """The partial bundle could not be had (no npm, no registry, an unexpected package)."""


@dataclass(frozen=True)
class Bundle:
    """A plotly.js dist bundle: which one it is and what it can draw."""

    variant: str
    version: str
    traces: frozenset[str]

    @property
    def size_label(self) -> str:
        """How the command names this bundle in its output."""
        return f"plotly.js {self.variant} v{self.version}"


def describe_bundle(content: bytes) -> Bundle | None:
    """Read a bundle's banner and trace modules; None if the bytes are no plotly.js dist bundle."""
    banner = _BANNER.search(content[:_BANNER_BYTES].decode("utf-8", "replace"))
    if banner is None:
        return None
    traces = frozenset(name.decode() for name in _TRACE.findall(content))
    return Bundle(variant=banner["variant"] or "full", version=banner["version"], traces=traces)


def read_banner(path: Path) -> bytes:
    """The opening bytes of a bundle, where its banner is (without reading the megabytes after it)."""
    with path.open("rb") as bundle:
        return bundle.read(_BANNER_BYTES)


def fetch_basic_bundle(*, version: str) -> bytes:
    """The minified basic bundle of this plotly.js version, through npm (the registry's ordinary client)."""
    npm = shutil.which("npm")
    if npm is None:
        raise BundleUnavailable("npm is not installed")
    with tempfile.TemporaryDirectory(prefix="vendor-plotly-") as workdir:
        try:
            # Fixed arguments, no shell: the package name is ours and the version comes from plotly itself.
            subprocess.run(  # noqa: S603
                [npm, "pack", "--silent", "--pack-destination", workdir, f"{NPM_PACKAGE}@{version}"],
                check=True,
                capture_output=True,
                timeout=NPM_TIMEOUT_SECONDS,
                cwd=workdir,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            stderr = getattr(error, "stderr", b"") or b""
            raise BundleUnavailable(
                f"npm pack {NPM_PACKAGE}@{version} failed: {stderr.decode()[-300:]}"
            ) from error
        tarballs = list(Path(workdir).glob("*.tgz"))
        if len(tarballs) != 1:
            raise BundleUnavailable(f"npm pack left {len(tarballs)} tarballs")
        with tarfile.open(tarballs[0]) as tar:
            try:
                member = tar.extractfile(NPM_FILE)
            except KeyError as error:
                raise BundleUnavailable(f"{NPM_PACKAGE}@{version} has no {NPM_FILE}") from error
            if member is None:
                raise BundleUnavailable(f"{NPM_FILE} in {NPM_PACKAGE}@{version} is not a file")
            return member.read()


def check_bundle(content: bytes, *, version: str) -> Bundle:
    """The bundle's description, if it is plotly.js of this version with our trace types; else BundleUnavailable."""
    bundle = describe_bundle(content)
    if bundle is None:
        raise BundleUnavailable("the file is not a plotly.js dist bundle")
    if bundle.version != version:
        raise BundleUnavailable(f"it is plotly.js v{bundle.version}, the plotly package wants v{version}")
    missing = REQUIRED_TRACES - bundle.traces
    if missing:
        raise BundleUnavailable(f"it lacks the trace types {', '.join(sorted(missing))}")
    return bundle


class Command(BaseCommand):
    help = "Write static/vendor/plotly.min.js: plotly.js's basic bundle via npm, else the plotly package's full one."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--source",
            choices=["auto", "npm", "plotly"],
            default="auto",
            help="auto: npm's basic bundle, falling back to the plotly package's full bundle (default); "
            "npm: the basic bundle or fail; plotly: the full bundle from the plotly package.",
        )
        parser.add_argument("--force", action="store_true", help="Write the file even if it is up to date.")

    def handle(self, *args, source: str, force: bool, **options) -> None:
        version = get_plotlyjs_version()
        current = describe_bundle(read_banner(BUNDLE_PATH)) if BUNDLE_PATH.exists() else None
        wanted_variant = "full" if source == "plotly" else "basic"
        if not force and current and current.version == version and current.variant == wanted_variant:
            self.stdout.write(f"{BUNDLE_PATH.name} is up to date ({current.size_label}).")
            return
        content = None
        if source in {"auto", "npm"}:
            try:
                content = fetch_basic_bundle(version=version)
                check_bundle(content, version=version)
            except BundleUnavailable as error:
                if source == "npm":
                    raise CommandError(f"No basic plotly.js bundle: {error}") from error
                content = None
                self.stderr.write(
                    f"The basic plotly.js bundle could not be had ({error}); using the plotly package's "
                    "full bundle instead (≈1.5 MB gzipped rather than ≈0.4 MB)."
                )
        if content is None:
            content = get_plotlyjs().encode("utf-8")
        bundle = check_bundle(content, version=version)
        self.write(content)
        self.stdout.write(f"Wrote {BUNDLE_PATH} ({bundle.size_label}, {len(content) / 1e6:.2f} MB).")

    def write(self, content: bytes) -> None:
        """Replace the bundle in one step, so a server never serves half a file."""
        BUNDLE_PATH.parent.mkdir(parents=True, exist_ok=True)
        partial = BUNDLE_PATH.with_suffix(".partial")
        partial.write_bytes(content)
        partial.replace(BUNDLE_PATH)
