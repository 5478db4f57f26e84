"""Server-rendered inline SVG charts for comparing agreement drafts.

Every public function returns one ``<svg class="chart ...">`` element as a ``SafeString``
that can be dropped straight into a template. The rules they share:

* No JavaScript and no external resources: plain SVG with ``role="img"``, a ``<title>``
  and a ``<desc>`` that states the data in words for screen readers (wired up with
  ``aria-labelledby``/``aria-describedby``).
* Every piece of text that comes from data is escaped: elements are only ever built by
  ``_el``, which escapes as ``format_html`` does (``conditional_escape``).
* Numbers are written with two decimals; output is deterministic (ids come from a hash of
  the chart's content, so two identical charts on one page share ids, harmlessly).
* Shapes carry CSS classes for theming *and* inline ``fill``/``stroke`` presentation
  attributes, so a chart stays legible without the stylesheet (e.g. printed).
* Series are told apart by colour (Okabe-Ito based), dash pattern and marker shape.
* Empty input returns a small "No data yet" SVG rather than raising. Input beyond a
  documented limit (e.g. nine radar axes, seven series) is a programming error and
  raises ``ValueError``; so do non-numeric values and an empty or reversed domain.
"""

from workbench.charts.bars import bar_list
from workbench.charts.dots import dot_plot
from workbench.charts.intervals import interval_chart
from workbench.charts.lines import line_chart
from workbench.charts.radar import radar_chart
from workbench.charts.svg import DASHES, MARKERS, NO_DATA, PALETTE

__all__ = [
    "DASHES",
    "MARKERS",
    "NO_DATA",
    "PALETTE",
    "bar_list",
    "dot_plot",
    "interval_chart",
    "line_chart",
    "radar_chart",
]
