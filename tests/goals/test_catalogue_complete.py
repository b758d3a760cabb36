"""Every Danish text the code and templates mark for translation has its English entry in the catalogue."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
SKIP_DIRS = {".venv", "tests", "bench", "migrations", "node_modules", "var", "static"}
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
# templatize() turns {% translate %} and {% blocktranslate %} into gettext calls, as makemessages does.
TEMPLATE_CALL = re.compile(r"\b(n?p?gettext)\(((?:u'(?:[^'\\]|\\.)*'|[^)'])*)\)")
STRING = re.compile(r"u'((?:[^'\\]|\\.)*)'")


def _project_files(suffix: str) -> list[Path]:
    return [
        path
        for path in ROOT.rglob(f"*{suffix}")
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts) and "site-packages" not in path.parts
    ]


def _python_msgids(path: Path) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT):
            continue
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args
        ]
        if node.func.id.startswith("p") and len(args) >= 2 and args[0] and args[1]:
            found.add((args[0], args[1]))
        elif args and args[0]:
            found.add((None, args[0]))
    return found


def _template_msgids(path: Path) -> set[tuple[str | None, str]]:
    found = set()
    for call, arguments in TEMPLATE_CALL.findall(
        templatize(path.read_text(encoding="utf-8"), origin=str(path))
    ):
        strings = [ast.literal_eval(f"'{s}'") for s in STRING.findall(arguments)]
        if not strings:
            continue
        found.add(
            (strings[0], strings[1]) if call.startswith("p") and len(strings) >= 2 else (None, strings[0])
        )
    return found


def _marked_texts() -> dict[tuple[str | None, str], str]:
    texts = {}
    for path in _project_files(".py"):
        texts.update(dict.fromkeys(_python_msgids(path), str(path.relative_to(ROOT))))
    for path in _project_files(".html") + _project_files(".txt"):
        texts.update(dict.fromkeys(_template_msgids(path), str(path.relative_to(ROOT))))
    return texts


def _is_a_librarys_english_text(msgid: str) -> bool:
    """Our overrides of library templates (simple-history's) use the library's English texts and its Danish."""
    with translation.override("da"):
        return translation.gettext(msgid) != msgid


def test_every_marked_text_has_an_english_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    translated = {(e.msgctxt, e.msgid) for e in catalogue if e.msgstr or e.msgstr_plural}
    missing = sorted(
        f"{where}: {msgid!r}"
        for (ctx, msgid), where in _marked_texts().items()
        # {% translate %} is looked up as written; templatize() escapes its "%" as makemessages would.
        if not {(ctx, msgid), (ctx, msgid.replace("%%", "%"))} & translated
        and not _is_a_librarys_english_text(msgid)
    )
    assert missing == []


def test_a_danish_text_without_english_is_reported(tmp_path):
    module = tmp_path / "app" / "texts.py"
    module.parent.mkdir()
    module.write_text('from django.utils.translation import gettext as _\nTEXT = _("Helt ny dansk tekst")\n')
    assert _python_msgids(module) == {(None, "Helt ny dansk tekst")}
    assert not _is_a_librarys_english_text("Helt ny dansk tekst")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{% load i18n %}{% translate "Hej" %}', {(None, "Hej")}),
        (
            "{% load i18n %}{% blocktranslate with n=x %}{{ n }} mål{% endblocktranslate %}",
            {(None, "%(n)s mål")},
        ),
        ('{% load i18n %}{% translate "maj" context "måned" %}', {("måned", "maj")}),
    ],
)
def test_template_texts_are_found_as_makemessages_finds_them(tmp_path, source, expected):
    template = tmp_path / "t.html"
    template.write_text(source, encoding="utf-8")
    assert _template_msgids(template) == expected
