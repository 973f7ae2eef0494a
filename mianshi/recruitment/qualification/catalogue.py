"""The major catalogue (专业目录): categories of majors (专业类), their majors and every name
a major goes by, so that "计算机类" on a post admits "软件工程" on a form. The default is a
subset of the 普通高等学校本科专业目录 in recruitment/data/majors.json.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _

from mianshi.recruitment.qualification.choices import normalise


@dataclass(frozen=True)
class MajorCatalogue:
    """Categories of majors (专业类) → majors, and every name a major goes by → the major.

    Keys are normalised text; values the catalogue's own spelling. Build it with
    `default()` or `from_dict()`.
    """

    categories: Mapping[str, str] = field(default_factory=dict)
    members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    majors: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def default(cls) -> MajorCatalogue:
        """A subset of the 普通高等学校本科专业目录 (data/majors.json)."""
        return cls.from_file(SHIPPED)

    @classmethod
    def from_file(cls, path: Path) -> MajorCatalogue:
        """The catalogue of a JSON file in from_dict's shape, read once per path; ValueError
        (translated) for a file that cannot be read or has another shape."""
        return _catalogue_at(path.resolve())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MajorCatalogue:
        """A catalogue from {"categories": [{"name", "majors": [{"name", "aliases"}]}]}.

        ValueError (translated) for another shape or for one name given to two majors.
        """
        try:
            return cls._read(data)
        except (KeyError, TypeError, AttributeError) as error:
            message = _("A major catalogue lists categories, each with a name and its majors.")
            raise ValueError(message) from error

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> MajorCatalogue:
        categories: dict[str, str] = {}
        members: dict[str, frozenset[str]] = {}
        majors: dict[str, str] = {}
        for category in data["categories"]:
            name = str(category["name"])
            categories[normalise(name)] = name
            listed = [_entry(item) for item in category["majors"]]
            members[name] = frozenset(major for major, _aliases in listed)
            for major, aliases in listed:
                _add_names(majors, major, aliases)
        return cls(
            categories=MappingProxyType(categories),
            members=MappingProxyType(members),
            majors=MappingProxyType(majors),
        )

    def major(self, text: str) -> str | None:
        """The catalogue's major that `text` names (by name or alias), or None."""
        return self.majors.get(normalise(text))

    def category(self, text: str) -> str | None:
        """The category that `text` names, or None."""
        return self.categories.get(normalise(text))

    def categories_of(self, major: str) -> list[str]:
        """The categories a major of the catalogue belongs to."""
        return [name for name, majors in self.members.items() if major in majors]


def _entry(item: Any) -> tuple[str, list[str]]:
    if isinstance(item, str):
        return item, []
    aliases = item.get("aliases", [])
    if isinstance(aliases, str):
        raise TypeError(aliases)
    return str(item["name"]), [str(alias) for alias in aliases]


def _add_names(majors: dict[str, str], major: str, aliases: list[str]) -> None:
    for name in [major, *aliases]:
        taken = majors.setdefault(normalise(name), major)
        if taken != major:
            raise ValueError(
                _("%(name)s names two majors: %(first)s and %(second)s.")
                % {"name": name, "first": taken, "second": major}
            )


# The data folder is the app's (recruitment/data), one up from this package.
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "majors.json"


@functools.cache
def _catalogue_at(path: Path) -> MajorCatalogue:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            _("The major catalogue %(path)s cannot be read: %(error)s")
            % {"path": path, "error": error}
        ) from error
    return MajorCatalogue.from_dict(data)
