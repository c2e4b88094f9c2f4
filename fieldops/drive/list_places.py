"""The communes and hamlets a police list names, matched to the campaign's places."""

from __future__ import annotations

import difflib

import sqlalchemy as sa

from fieldops.areas.imports import name_key
from fieldops.areas.models import HAMLET, KINDS, Area
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.drive.models import HamletAlias
from fieldops.text import fold_words

AREA = Area.__table__


class Places:
    """A campaign's communes and their hamlets and aliases, read once, looked up per cell."""

    def __init__(self, campaign: Campaign, chosen_commune_id: int | None) -> None:
        self.communes = {c.id: c for c in campaign.communes}
        self.chosen = chosen_commune_id
        self._commune_keys = {name_key(fold_words(c.display_name)): c.id
                              for c in self.communes.values()}
        # In an address the commune is written with its kind word: "..., xã Hùng Dũng, ...".
        self._in_address = sorted(((f" {fold_words(c.display_name)} ", c.id)
                                   for c in self.communes.values()), key=lambda n: -len(n[0]))
        self._commune_memo: dict[tuple, int | None] = {}
        self._hamlets: dict[int, dict[str, int]] = {}
        self.hamlet_names: dict[int, str] = {}
        self._by_commune: dict[int, list[tuple[str, int]]] = {}
        self._load_hamlets(list(self.communes))

    def _load_hamlets(self, commune_ids: list[int]) -> None:
        if not commune_ids:
            return
        rows = db.session.execute(sa.select(
            AREA.c.id, AREA.c.parent_id, AREA.c.name, AREA.c.kind, AREA.c.name_folded).where(
            AREA.c.level == HAMLET, AREA.c.parent_id.in_(commune_ids)).order_by(AREA.c.name))
        for id_, parent_id, name, kind, folded in rows:
            self.hamlet_names[id_] = f"{KINDS.get(kind or '', ('',))[0]} {name}".strip()
            keys = self._hamlets.setdefault(parent_id, {})
            words = fold_words(folded)
            keys.setdefault(name_key(words), id_)
            keys.setdefault(words, id_)
            keys.setdefault(fold_words(name), id_)
            self._by_commune.setdefault(parent_id, []).append((name_key(words), id_))
        for alias in db.session.execute(sa.select(HamletAlias).where(
                HamletAlias.commune_id.in_(commune_ids))).scalars():
            self._hamlets.setdefault(alias.commune_id, {})[alias.alias_folded] = alias.hamlet_id

    def commune_for(self, commune_text: str | None, address: str | None) -> int | None:
        """Return the commune a row is in: chosen on the form, else its commune column, else
        read from its address; None if none of the campaign's communes matches."""
        if self.chosen:
            return self.chosen
        key = (commune_text, None if commune_text else address)
        if key in self._commune_memo:
            return self._commune_memo[key]
        found = None
        if commune_text:
            found = self._commune_keys.get(name_key(fold_words(commune_text)))
        elif address:
            folded = f" {fold_words(address)} "
            found = next((id_ for needle, id_ in self._in_address if needle in folded), None)
        if found is None and not commune_text and len(self.communes) == 1:
            found = next(iter(self.communes))  # nothing names another: the campaign's one
        self._commune_memo[key] = found
        return found

    def hamlet_for(self, commune_id: int, text: str) -> int | None:
        """Return the hamlet a cell names in a commune (by name or alias), or None."""
        keys = self._hamlets.get(commune_id, {})
        words = fold_words(text)
        return keys.get(words) or keys.get(name_key(words))

    def suggestions(self, commune_id: int, text: str) -> list[tuple[int, str]]:
        """Return up to three hamlets of the commune whose names are closest to the text."""
        known = self._by_commune.get(commune_id, [])
        keys = [key for key, _ in known]
        close = difflib.get_close_matches(name_key(fold_words(text)), keys, n=3, cutoff=0.5)
        by_key = dict(known)
        return [(by_key[key], self.hamlet_names[by_key[key]]) for key in close]

    def hamlets_of(self, commune_id: int) -> list[tuple[int, str]]:
        """Return every hamlet of a commune as (id, name), as the mapping's choices."""
        return [(id_, self.hamlet_names[id_]) for _, id_ in self._by_commune.get(commune_id, [])]
