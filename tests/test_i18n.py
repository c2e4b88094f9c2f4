"""Languages: the English catalog covers the source, and the interface switches cleanly.

The msgids are the Vietnamese texts themselves, so Vietnamese needs no catalog; English lives in
fieldops/translations/en/LC_MESSAGES/messages.po (+ the compiled messages.mo). When a test here
fails, see "Translations" in README.md: extract, update, translate, compile.
"""

from __future__ import annotations

import re
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from fieldops.areas.models import DISTRICT, Area
from fieldops.db import db

ROOT = Path(__file__).resolve().parents[1]
BABEL_CFG = ROOT / "babel.cfg"
CATALOG_DIR = ROOT / "fieldops" / "translations" / "en" / "LC_MESSAGES"
PO_PATH = CATALOG_DIR / "messages.po"
MO_PATH = CATALOG_DIR / "messages.mo"

#: the same keywords as `pybabel extract -k _l -k lazy_gettext -k lazy_ngettext:1,2`
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
#: a named printf placeholder: %(name)s, %(count)d, %(value).2f ...
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _key(message_id) -> str:
    """Return the singular msgid of a message (plural messages have a (singular, plural) id)."""
    return message_id if isinstance(message_id, str) else message_id[0]


def _forms(value) -> list[str]:
    """Return the msgid/msgstr forms of a message as a list (one item unless plural)."""
    if isinstance(value, str):
        return [value]
    return list(value)


@pytest.fixture(scope="module")
def catalog():
    with PO_PATH.open("rb") as f:
        return read_po(f, locale="en")


@pytest.fixture(scope="module")
def source_messages() -> dict[tuple[str | None, str], list[str]]:
    """Extract every message of the current source with babel.cfg: (context, msgid) -> places."""
    with BABEL_CFG.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(BABEL_CFG))
    found: dict[tuple[str | None, str], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault((context, _key(message)), []).append(f"{filename}:{lineno}")
    return found


def test_extraction_finds_python_and_templates(source_messages):
    places = {place.split(":")[0] for found in source_messages.values() for place in found}
    assert any(p.startswith("fieldops/") and p.endswith(".py") for p in places)
    assert any(p.startswith("templates/") and p.endswith(".html") for p in places)
    assert not any(p.startswith(("tests/", ".venv/")) for p in places)
    assert (None, "Chiến dịch") in source_messages


def test_every_message_has_an_english_translation(catalog, source_messages):
    translated = {(m.context, _key(m.id)): m for m in catalog if m.id}
    missing = []
    for (context, msgid), places in sorted(source_messages.items(), key=lambda i: i[1][0]):
        message = translated.get((context, msgid))
        if message is None or message.fuzzy or not all(s.strip() for s in _forms(message.string)):
            where = ", ".join(places[:3]) + (" ..." if len(places) > 3 else "")
            missing.append(f"  {msgid!r}  ({where})")
    assert not missing, (
        f"{len(missing)} message(s) have no English translation in {PO_PATH.relative_to(ROOT)}; "
        "re-extract, update the catalog and translate them:\n" + "\n".join(missing)
    )


def test_catalog_has_no_fuzzy_entries(catalog):
    fuzzy = [_key(m.id) or "(header)" for m in catalog if m.fuzzy]
    assert not fuzzy, "review these entries and remove their fuzzy flag:\n" + "\n".join(
        f"  {msgid!r}" for msgid in fuzzy
    )


def test_compiled_catalog_matches_po(catalog):
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    expected = GNUTranslations(buffer)._catalog
    with MO_PATH.open("rb") as f:
        compiled = GNUTranslations(f)._catalog
    stale = sorted(
        str(key) for key in set(expected) | set(compiled) if expected.get(key) != compiled.get(key)
    )
    assert not stale, (
        "messages.mo is out of date; run `.venv/bin/pybabel compile -d fieldops/translations`. "
        "Differences:\n" + "\n".join(f"  {key!r}" for key in stale[:20])
    )


def test_translations_keep_the_placeholders(catalog):
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        wanted = {name for form in _forms(message.id) for name in PLACEHOLDER.findall(form)}
        for text in _forms(message.string):
            if not text:
                continue
            got = set(PLACEHOLDER.findall(text))
            if got != wanted:
                wrong.append(
                    f"  {_key(message.id)!r}: msgid has {sorted(wanted)}, msgstr has {sorted(got)}"
                )
            elif wanted:
                # flask_babel formats with `text % variables`: a stray % would raise here.
                try:
                    text % dict.fromkeys(wanted, 1)
                except (ValueError, TypeError, KeyError) as error:
                    wrong.append(f"  {_key(message.id)!r}: {text!r} does not format ({error})")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_translations_inside_javascript_quotes_have_no_apostrophe(catalog):
    """confirm('{{ _('...') }}') breaks if the English text contains a straight apostrophe."""
    quoted = set()
    for template in (ROOT / "templates").rglob("*.html"):
        quoted.update(re.findall(r"""'\{\{ _\('([^']+)'\) \}\}'""", template.read_text("utf-8")))
    strings = {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)}
    broken = sorted(msgid for msgid in quoted if "'" in strings.get(msgid, ""))
    assert not broken, "use ’ instead of ' in the English of: " + ", ".join(map(repr, broken))


# --- the running interface -------------------------------------------------------------------


def _choose(client, lang: str) -> None:
    response = client.post("/language", data={"lang": lang, "next": "/"})
    assert response.status_code == 302


def test_vietnamese_by_default_and_english_on_request(organizer):
    html = organizer.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Chiến dịch" in html

    _choose(organizer, "en")
    html = organizer.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Campaigns" in html
    assert "Chiến dịch" not in html

    _choose(organizer, "vi")
    html = organizer.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Chiến dịch" in html


def test_accent_free_search_works_in_english(organizer, demo):
    _choose(organizer, "en")
    html = organizer.get("/areas/", query_string={"q": "phuoc my"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Phước Mỹ" in html
    assert "No areas found." not in html
    html = organizer.get("/areas/", query_string={"q": "tan le"}).get_data(as_text=True)
    assert "Tân Lễ" in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dates_are_day_month_year_in_both_languages(organizer, demo, lang):
    _choose(organizer, lang)
    html = organizer.get("/campaigns").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert "10/10/2025" in html  # 63/KH-UBND runs 10/10/2025 – 08/11/2025
    assert "08/11/2025" in html


@pytest.mark.parametrize(
    ("lang", "grouped", "other"),
    [
        ("vi", "10.722", "10,722"),
        ("en", "10,722", "10.722"),
    ],
)
def test_numbers_are_grouped_the_way_each_language_writes_them(
    app, organizer, demo, lang, grouped, other
):
    with app.app_context():
        hung_ha = db.session.execute(
            db.select(Area.id).filter_by(level=DISTRICT, name="Hưng Hà")
        ).scalar_one()
    _choose(organizer, lang)
    html = organizer.get(f"/areas/{hung_ha}").get_data(as_text=True)
    assert "Tân Lễ" in html
    assert grouped in html  # Tân Lễ: 10722 people aged 14+
    assert other not in html
