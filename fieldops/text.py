"""Text helpers for Vietnamese: accent folding and phone numbers."""

from __future__ import annotations

import re
import unicodedata

# Unicode does not decompose đ/Đ (it is a separate letter, not d + a mark).
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Return text lower-cased, without Vietnamese accents, spaces collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA_FOLDS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip().lower()


def fold_words(text: str | None) -> str:
    """Return fold(text) with punctuation as spaces: "Xã/Phường" -> "xa phuong"."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(text)).split())


def by_name(items) -> list:
    """Return places or people sorted as a Vietnamese list reads (accents ignored, Đ with D)."""
    return sorted(items, key=lambda item: (fold(item.name), item.name))


# Invisible format characters (Unicode category Cf): zero-width spaces and joiners, bidi marks,
# embeddings, overrides and isolates, the BOM, the soft hyphen. Vietnamese needs none of them,
# and they make a stored name differ from the one on screen ("Lê\u200bVăn" shows as "LêVăn")
# or reorder what is shown (U+202E).
_INVISIBLE = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def nfc(text: str | None) -> str:
    """Return text in NFC form without invisible format characters, outer spaces removed
    (Windows-1258 decodes to NFD)."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text or "")).strip()


# Mobile prefixes in use since the 2018 renumbering (Viettel, Vinaphone, MobiFone,
# Vietnamobile, Gmobile, Itelecom, Reddi).
_MOBILE = re.compile(r"^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$")


def normalize_phone(raw: str | None) -> str | None:
    """Return a Vietnamese mobile number as 0xxxxxxxxx, or None if it is not one."""
    if not raw:
        return None
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.match(digits) else None
