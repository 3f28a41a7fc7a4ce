"""The French catalog covers every message people read, and the shipped .mo is the .po.

Messages are extracted the way a maintainer does (Babel, with the committed mapping over
the templates and the Python of the dashboard, the demo report and the e-mails), so a new
template string without a translation fails here, not in front of a school.
"""

from __future__ import annotations

import gettext
import re
import tokenize
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import hpsync
from hpsync.locale import DOMAIN, LOCALE_DIR

PACKAGE = Path(hpsync.__file__).parent
PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
FIELD = re.compile(r"\{(\w+)[^}]*\}")


def _mapping() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """The committed babel.cfg as (method, pattern) pairs and options per pattern."""
    from babel.messages.frontend import parse_mapping_cfg

    with open(LOCALE_DIR / "babel.cfg", encoding="utf-8") as fileobj:
        return parse_mapping_cfg(fileobj)


def _extracted() -> dict[str, set[str]]:
    """Every msgid (plural ids joined) found in the sources, with the files using it."""
    method_map, options_map = _mapping()
    found: dict[str, set[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        PACKAGE,
        method_map,
        options_map,
        keywords={"N_": None, "_": None, "gettext": None, "ngettext": (1, 2)},
    ):
        key = "\x00".join(message) if isinstance(message, tuple) else message
        found.setdefault(key, set()).add(filename)
    return found


def _catalog() -> dict[str, tuple[str, ...]]:
    with open(PO, "rb") as fileobj:
        catalog = read_po(fileobj)
    out: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = "\x00".join(message.id) if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out[key] = tuple(strings)
    return out


def test_every_message_people_read_has_a_french_translation() -> None:
    """Each msgid of the templates and the Python faces is in fr/hpsync.po, translated."""
    extracted = _extracted()
    assert len(extracted) > 200  # the mapping really reaches templates and code
    templates = {f for files in extracted.values() for f in files if f.endswith(".html")}
    assert any("web/templates" in f for f in templates)
    assert any("alerts/templates" in f for f in templates)
    catalog = _catalog()
    missing = sorted(m for m in extracted if not all(catalog.get(m, ("",))))
    assert missing == [], f"untranslated: {missing[:10]}"
    stale = sorted(set(catalog) - set(extracted))
    assert stale == [], f"in the catalog, no longer in the code: {stale[:10]}"


def test_translations_keep_the_fields_of_their_message() -> None:
    """A translation fills the same {fields} as its msgid: none lost, none invented."""
    for msgid, strings in _catalog().items():
        wanted = set(FIELD.findall(msgid))
        for text in strings:
            assert set(FIELD.findall(text)) == wanted, (msgid, text)


def test_the_shipped_mo_says_what_the_po_says() -> None:
    """The compiled catalog (package data) translates every entry of the .po the same way."""
    with open(MO, "rb") as fileobj:
        compiled = gettext.GNUTranslations(fileobj)
    for msgid, strings in _catalog().items():
        if "\x00" in msgid:
            singular, plural = msgid.split("\x00")
            assert compiled.ngettext(singular, plural, 1) == strings[0], msgid
            assert compiled.ngettext(singular, plural, 5) == strings[-1], msgid
        else:
            assert compiled.gettext(msgid) == strings[0], msgid


def test_no_message_hides_inside_an_f_string() -> None:
    """Babel cannot see ``_("...")`` inside an f-string: such a message would never be
    translated, so none is written there."""
    method_map, _ = _mapping()
    python = [pattern for pattern, method in method_map if method == "python"]
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not any(Path(relative).match(p.replace("**", "*")) or relative == p for p in python):
            continue
        with open(path, "rb") as fileobj:
            for token in tokenize.tokenize(fileobj.readline):
                if (
                    token.type == tokenize.STRING
                    and re.match(r"^[rRbB]*[fF]", token.string)
                    and re.search(r"""(?<![\w.])_\(\s*["']|gettext\(\s*["']""", token.string)
                ):
                    hidden.append(f"{relative}:{token.start[0]}")
    assert hidden == []
