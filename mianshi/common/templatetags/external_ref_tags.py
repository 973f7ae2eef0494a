"""Template access to external references, for any page that shows a record an EHR knows.

`{% external_refs_for candidate as refs %}` gives {source: id}; the page itself is already
scoped and audited, so this only reads what the view may show.
"""

from django import template
from django.db import models

from mianshi.common.external_refs import external_refs_of

register = template.Library()


@register.simple_tag
def external_refs_for(obj: models.Model) -> dict[str, str]:
    """{source: id} of `obj`, sorted by source."""
    return dict(sorted(external_refs_of(obj).items()))
