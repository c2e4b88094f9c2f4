"""Languages: the English catalog covers the source, and the interface switches cleanly.

The msgids are the Vietnamese texts themselves, so Vietnamese needs no catalog; English lives in
fieldops/translations/en/LC_MESSAGES/messages.po, compiled into the instance folder when the app
starts (no .mo is committed). When a test here fails, see "Translations" in README.md.
"""

from __future__ import annotations

import re
from gettext import GNUTranslations, c2py
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


def _installed_catalog(app) -> GNUTranslations:
    """Return the English catalog the running app reads (compiled at start-up)."""
    directory = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    with (directory / "en" / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        return GNUTranslations(f)


def test_the_app_reads_every_translation_of_the_po(app, catalog):
    """What users see: every msgid, its translation and each plural form, whatever Babel wrote
    into the compiled file's header."""
    compiled = _installed_catalog(app)
    wrong = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, str):
            if compiled.gettext(message.id) != message.string:
                wrong.append(message.id)
            continue
        singular, plural = message.id[:2]
        for n in (1, 2, 5):
            expected = message.string[c2py(catalog.plural_expr)(n)]
            if compiled.ngettext(singular, plural, n) != expected:
                wrong.append(f"{singular} (n={n})")
    assert not wrong, "the running app translates these differently from messages.po:\n" + (
        "\n".join(f"  {msgid!r}" for msgid in wrong[:20]))
    assert compiled.gettext("Chiến dịch") == "Campaigns"


def test_a_stale_compiled_catalog_is_replaced_at_start_up(app, tmp_path, monkeypatch):
    from fieldops import create_app

    instance = tmp_path / "stale-instance"
    mo_dir = instance / "translations" / "en" / "LC_MESSAGES"
    mo_dir.mkdir(parents=True)
    # A catalog compiled from an older messages.po: it knows nothing of today's texts.
    buffer = BytesIO()
    write_mo(buffer, read_po(BytesIO(b'msgid "Chi\xe1\xba\xbfn d\xe1\xbb\x8bch"\n'
                                     b'msgstr "Old campaigns"\n'), locale="en"))
    (mo_dir / "messages.mo").write_bytes(buffer.getvalue())
    (mo_dir / "messages.sha256").write_text("an older digest")

    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(instance))
    fresh = create_app({key: value for key, value in app.config.items()
                        if key != "BABEL_TRANSLATION_DIRECTORIES"})
    assert _installed_catalog(fresh).gettext("Chiến dịch") == "Campaigns"
    with fresh.app_context():
        db.engine.dispose()


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


def test_the_catalog_is_well_formed_with_each_message_once():
    # Two msgstr in a row or a msgid defined twice (a merge's leftovers) are read silently by
    # the app, one of them lost; gettext's own tools refuse the file.
    text = PO_PATH.read_text(encoding="utf-8")
    with PO_PATH.open("rb") as f:
        read_po(f, locale="en", abort_invalid=True)
    lines = text.splitlines()
    doubled = [n for n, (a, b) in enumerate(zip(lines, lines[1:], strict=False), start=1)
               if a.startswith('msgstr "') and b.startswith('msgstr "')]
    assert not doubled, f"a msgstr follows a msgstr at lines {doubled}"
    ids = re.findall(r'^msgid ((?:".*"\n)+)', text, flags=re.M)
    twice = {i for i in ids if ids.count(i) > 1}
    assert not twice, f"msgids defined twice: {sorted(twice)[:5]}"


@pytest.mark.parametrize(("lang", "message"), [("vi", "Tối đa 160 ký tự."),
                                                ("en", "At most 160 characters.")])
def test_wtforms_own_messages_speak_the_interface_language(organizer, lang, message):
    # The browser's maxlength bypassed: WTForms' Length answers, in our words, not its English.
    _choose(organizer, lang)
    html = organizer.post("/organisations", data={"name": "Đ" * 161, "kind": "youth_union"})
    text = html.get_data(as_text=True)
    assert message in text
    assert "Field cannot be longer" not in text
