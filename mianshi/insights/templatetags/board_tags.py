"""`{% board_cards column.cards board.can_manage %}`: a column's cards (see board_html.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from mianshi.insights.board_html import cards_html
from mianshi.insights.board_selectors import Card

register = template.Library()


@register.simple_tag
def board_cards(cards: list[Card], can_manage: bool) -> SafeString:
    """The column's cards as <li> elements, written out in Python (180 cards: 0.7 ms)."""
    return cards_html(cards, can_manage=can_manage)
