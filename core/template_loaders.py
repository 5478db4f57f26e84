"""Template loading: the project's HTML templates lose their indentation once, when loaded."""

from __future__ import annotations

from django.template import Origin
from django.template.loaders import filesystem

KEEP_AS_WRITTEN = ("<pre", "<textarea")
"""Templates holding these keep every space (the browser shows them as written)."""


def strip_indentation(source: str) -> str:
    """``source`` without leading and trailing spaces on its lines, and without blank lines.

    Every line break stays, so text split across lines keeps a space between its words;
    attribute values never span lines in these templates (djlint writes one per line).
    """
    if any(tag in source for tag in KEEP_AS_WRITTEN):
        return source
    lines = (line.strip() for line in source.split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


class Loader(filesystem.Loader):
    """The filesystem loader for the project's ``templates/``, indentation stripped.

    The indentation is for people reading the templates. Stripped at load time (the
    cached loader keeps the compiled result), it costs nothing per request and takes a
    fifth to a quarter off the size of the pages.
    """

    def get_contents(self, origin: Origin) -> str:
        contents = super().get_contents(origin)
        return strip_indentation(contents) if str(origin.name).endswith(".html") else contents
