"""report.pdf: the same report, printed by WeasyPrint, for those who file or send documents.

WeasyPrint runs no script, so the PDF holds the report's static parts: the verdict, the
findings with their evidence, the chart of events per day, the coverage, the custody and the
next steps; the events themselves stay in timeline.csv. Its URL fetcher refuses every URL: the
report references nothing, and a PDF renderer that fetched an address found in evidence would
contact spyware infrastructure.

WeasyPrint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0,
libharfbuzz-subset0); `make system-deps` installs them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from spytrace.errors import UserError
from spytrace.outputs.files import open_private
from spytrace.outputs.report_html import read_outputs, render

log = logging.getLogger("spytrace")

INSTALL_HINT = (
    "PDF reports need WeasyPrint and its system libraries: pip install 'spytrace[pdf]', and "
    "on Debian or Ubuntu apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
)


def _weasyprint() -> Any:
    try:
        import weasyprint  # heavy, and only a PDF needs it
    except ImportError as exc:
        raise UserError(f"{INSTALL_HINT} ({exc})") from exc
    except OSError as exc:  # the Python package is there, Pango is not
        raise UserError(f"{INSTALL_HINT} ({exc})") from exc
    return weasyprint


def _refusing_fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that fetches nothing, in whichever form this WeasyPrint takes one."""
    fetcher_class = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if isinstance(fetcher_class, type):
        # WeasyPrint 66+: a URLFetcher whose allowed protocols are none.
        return fetcher_class(allowed_protocols=())

    def refuse(url: str, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"the report fetches nothing: {url!r} refused")

    return refuse


def write_pdf(folder: Path, target: Path | None = None) -> Path:
    """`folder`/report.pdf (or `target`), 0600, from the scan outputs in `folder`."""
    target = target or folder / "report.pdf"
    outputs = read_outputs(folder)
    weasyprint = _weasyprint()
    html = "".join(render(outputs, for_print=True))
    document = weasyprint.HTML(string=html, url_fetcher=_refusing_fetcher(weasyprint))
    pdf = document.write_pdf()
    partial = target.with_name(f".{target.name}.partial")
    try:
        with open_private(partial) as handle:
            handle.write(pdf)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
