"""``ccc report``: one self-contained HTML page (and, with a browser, a PDF) for sales
and support, drawn from the JSON documents of the other commands.

- :mod:`~ccc_cli.report.html.data`: the documents, computed once.
- :mod:`~ccc_cli.report.html.page`: the page, every figure tagged with its document.
- :mod:`~ccc_cli.report.html.svg`: the charts, inline SVG.
- :mod:`~ccc_cli.report.html.i18n`: English and Vietnamese words and formats.
- :mod:`~ccc_cli.report.html.browser`: headless Chromium, to print the page to PDF.
"""

from __future__ import annotations
