"""Compile locale/*/LC_MESSAGES/django.po to .mo with polib, so a fresh machine needs no GNU gettext."""

from __future__ import annotations

import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_catalogues(locale_dirs: list[Path]) -> list[Path]:
    """Write a .mo next to every .po that is newer than its .mo (or has none); return the written paths."""
    written = []
    for locale_dir in locale_dirs:
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            # Written aside, then renamed: parallel test workers compiling at once never read half a file.
            partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}")
            polib.pofile(str(po_path)).save_as_mofile(str(partial))
            partial.replace(mo_path)
            written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) without GNU gettext."

    def handle(self, *args, **options) -> None:
        """Compile and list what was compiled."""
        written = compile_catalogues([Path(p) for p in settings.LOCALE_PATHS])
        for path in written:
            self.stdout.write(f"compiled {path}")
        self.stdout.write(self.style.SUCCESS(f"{len(written)} catalogue(s) compiled"))
