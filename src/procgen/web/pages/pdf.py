"""Papers as PDF, when the optional WeasyPrint is installed (``pip install 'procgen[pdf]'``).

The HTML paper is the source: WeasyPrint lays it out with the same ``print.css`` (A4), so the
PDF and the browser's print-out match. Without WeasyPrint the pages offer no PDF link, and a
``?format=pdf`` request is answered 501 with the command that installs it.
"""

from __future__ import annotations

import importlib.util
from functools import cache

from starlette.responses import Response

__all__ = ["INSTALL_HINT", "pdf_response", "weasyprint_available"]

#: What to run to get PDF papers.
INSTALL_HINT = "pip install 'procgen[pdf]'  (WeasyPrint)"


@cache
def weasyprint_available() -> bool:
    """Whether WeasyPrint can be imported."""
    return importlib.util.find_spec("weasyprint") is not None


def pdf_response(html: Response, filename: str, *, base_url: str) -> Response:
    """The PDF of a rendered paper (``html``), or a 501 naming the install command."""
    if not weasyprint_available():
        message = f"PDF papers need WeasyPrint: {INSTALL_HINT}\n"
        return Response(message, status_code=501, media_type="text/plain; charset=utf-8")
    import weasyprint  # type: ignore[import-not-found,unused-ignore]

    document = weasyprint.HTML(string=bytes(html.body).decode("utf-8"), base_url=base_url)
    data = document.write_pdf()
    headers = {
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type="application/pdf", headers=headers)
