"""Streaming XML reader: one record element at a time, never a DTD, never an entity.

XML files come from other systems' exports, and XML is where file imports get attacked:
an external entity (XXE) reads a server file or URL into the record, nested internal
entities ("billion laughs") blow up memory. lxml is told to resolve no entity, load no
DTD, touch no network and keep its size limits (huge_tree off); on top of that any
DOCTYPE refuses the whole file, as defusedxml does, since a data export never needs one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from lxml import etree

from mianshi.integrations.connectors.adapters.files.readers import FileRefused, SourceRow

# A `<field name="…">` child carries a column whose name is no valid XML element name
# (spaces, a leading digit): the writer emits it, the reader reads it back.
FIELD_TAG = "field"


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _data(element: Any) -> dict[str, Any]:
    """The record's attributes (as "@name") and children (local name → text; a name
    repeated becomes a list, e.g. several <tag> elements)."""
    data: dict[str, Any] = {f"@{_local(k)}": v for k, v in element.attrib.items()}
    for child in element:
        name = _local(child.tag)
        if not name:
            continue  # a comment or a processing instruction
        if name == FIELD_TAG and child.get("name"):
            name = child.get("name")
        value = "".join(child.itertext()).strip()
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data


def _refuse_doctype(element: Any) -> None:
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise FileRefused(_("XML files with a DOCTYPE (DTD or entities) are refused."))


def read_xml(source: IO[bytes], *, record: str = "record") -> Iterator[SourceRow]:
    """Every `<record>` element (any namespace) as a SourceRow numbered from 1."""
    context = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    number = 0
    try:
        for event, element in context:
            if number == 0 and event == "start":
                _refuse_doctype(element)
            if event != "end" or _local(element.tag) != record:
                continue
            number += 1
            yield SourceRow(number=number, data=_data(element))
            _release(element)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else 0
        raise FileRefused(
            _("The XML file is not well-formed (line %(line)s).") % {"line": line}
        ) from exc


def _release(element: Any) -> None:
    """Drop the record and the records before it: memory stays flat however long the file."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]
