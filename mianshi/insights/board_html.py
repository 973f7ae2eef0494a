"""The pipeline board's cards as HTML, written out here rather than by the template engine.

A board shows up to 180 cards of about fifteen values each. Django's template engine spends
some 2.5 µs on each value it prints (lookup, localisation, escaping): 11 ms for the cards
alone with a lean template, 20 ms with one included per card, against 0.7 ms here, on a
page whose whole budget is 50 ms at 100,000 candidates (bench/pages.py). Every value is
escaped with `escape` (html.escape, which is what Django's own escape calls). The board's
page (through the `board_cards` template tag) and a move's JSON answer both render a card
here, so a moved card reads as it did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from mianshi.insights.board_selectors import Card

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class _Texts:
    """The cards' fixed words, translated once per render, not once per card."""

    ai: str
    select: str  # with %(name)s
    workbench: str
    move_to: str
    fallback: str

    @classmethod
    def now(cls) -> _Texts:
        return cls(
            ai=escape(gettext("AI")),
            select=gettext("Select %(name)s"),
            workbench=escape(gettext("Workbench")),
            move_to=escape(gettext("Move to…")),
            fallback=escape(gettext("Move it on the candidate's page")),
        )


def _score(value: float) -> str:
    # As the floatformat:1 filter rounds (half up), which the rest of the product shows.
    return str(Decimal(repr(value)).quantize(TENTH, rounding=ROUND_HALF_UP))


def _pick(card: Card, texts: _Texts) -> str:
    pk = card.application_id
    label = escape(texts.select % {"name": card.name})
    return (
        f'<input type="checkbox" name="application" value="{pk}" form="board-bulk"'
        f' id="pick-{pk}" data-pick><label class="sr-only" for="pick-{pk}">{label}</label>'
    )


def _meta(card: Card, texts: _Texts) -> str:
    score = ""
    if card.ai_total is not None:
        score = (
            f'<span class="bd-score" data-ai-level="{escape(card.level)}">{texts.ai}'
            f" {_score(card.ai_total)} · {escape(card.level_label)}</span>"
        )
    days = f'<span data-days="{card.days_in_stage}">{escape(card.days_label)}</span>'
    return f'<p class="bd-meta">{score}{days}</p>'


def _extras(card: Card, texts: _Texts) -> str:
    """Tags and the workbench link, when the card has them."""
    out = ""
    if card.tags:
        tags = "".join(f'<span class="tag">{escape(t)}</span>' for t in card.tags)
        out += f'<p class="bd-tags">{tags}</p>'
    if card.workbench_url:
        out += (
            f'<p class="bd-links"><a href="{escape(card.workbench_url)}" data-workbench-link>'
            f"{texts.workbench}</a></p>"
        )
    return out


def _menu(card: Card, texts: _Texts) -> str:
    """The keyboard's way to move: the board's script fills the menu from its column's
    <template> when it opens (the moves are the same for every card of a stage, so the page
    carries them once); without the script it links to the candidate's page."""
    return (
        f'<details class="bd-move" data-move-menu><summary>{texts.move_to}'
        f'<span class="sr-only"> ({escape(card.name)})</span></summary>'
        f'<p class="bd-fallback"><a href="{escape(card.candidate_url)}">{texts.fallback}</a>'
        "</p></details>"
    )


def _card(card: Card, can_manage: bool, texts: _Texts) -> str:
    name, url = escape(card.name), escape(card.candidate_url)
    draggable = ' draggable="true"' if can_manage else ""
    return (
        f'<li class="bd-card" data-card="{card.application_id}"'
        f' data-stage="{escape(card.stage)}" data-allowed="{escape(card.allowed_codes)}"'
        f"{draggable}>"
        f'<div class="bd-card-head">{_pick(card, texts) if can_manage else ""}'
        f'<a class="bd-name" href="{url}">{name}</a></div>'
        f"{_meta(card, texts)}{_extras(card, texts)}"
        f"{_menu(card, texts) if can_manage and card.targets else ''}</li>"
    )


def cards_html(cards: Iterable[Card], *, can_manage: bool) -> SafeString:
    """The <li> of each card; checkboxes, drag and the move menu only for `can_manage`."""
    texts = _Texts.now()
    return mark_safe("".join(_card(card, can_manage, texts) for card in cards))  # noqa: S308
