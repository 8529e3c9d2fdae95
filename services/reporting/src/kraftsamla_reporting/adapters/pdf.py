"""Print self-contained HTML (inline CSS and SVG, no scripts needed) to PDF with headless Chromium.

Chromium is the system's (Debian's ``chromium``, installed by ``./kraftsamla up``/``test``), driven by
Playwright; Playwright's own browser download is never used. It is found through
``KRAFTSAMLA_CHROMIUM`` (a path or a command name; when set, nothing else is tried) or on ``PATH``.
Without it, :meth:`PdfPrinter.pdf` raises :class:`PdfUnavailable`, which the API answers with 503.

One :class:`PdfPrinter` keeps one browser, started on first use, shared by every request, and
launched again when it has crashed; each document gets its own page (and browser context), at most
``max_pages`` at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

# Playwright's API (a third of a second to import) is loaded when the first PDF is printed; its
# error class is light, and needed wherever a page may fail.
from playwright._impl._errors import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.async_api import Browser, PdfMargins, Playwright

CHROMIUM_ENV = "KRAFTSAMLA_CHROMIUM"
CHROMIUM_COMMANDS = ("chromium", "chromium-browser", "google-chrome")
SETUP_HINT = (
    "run ./kraftsamla up or ./kraftsamla test (they install Debian's chromium), "
    f"or set {CHROMIUM_ENV} to a Chromium binary"
)

# Page numbers, centred. The footer is drawn in its own box, apart from the document's CSS: without a
# font size of its own, Chromium draws it at a barely visible size.
FOOTER_TEMPLATE = (
    '<div style="width: 100%; font-size: 8pt; font-family: sans-serif; color: #555; text-align: center;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)
MARGIN: PdfMargins = {"top": "18mm", "right": "15mm", "bottom": "20mm", "left": "15mm"}


class PdfUnavailable(RuntimeError):
    """No Chromium to print with (not installed, or it would not start); the message says why."""


def find_chromium(environ: Mapping[str, str] | None = None) -> str | None:
    """The Chromium executable to use, or None: ``KRAFTSAMLA_CHROMIUM`` if set, else the first on PATH."""
    env = os.environ if environ is None else environ
    configured = env.get(CHROMIUM_ENV, "").strip()
    if configured:
        return shutil.which(configured)
    for command in CHROMIUM_COMMANDS:
        found = shutil.which(command)
        if found:
            return found
    return None


def chromium_args() -> list[str]:
    """Chromium's sandbox refuses to run as root: off for root, on for everyone else."""
    args = ["--disable-dev-shm-usage"]  # containers often have a tiny /dev/shm
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


def _unavailable_message(executable: str | None = None) -> str:
    configured = os.environ.get(CHROMIUM_ENV, "").strip()
    if executable:
        return f"PDF needs Chromium, but {executable!r} is not an executable; {SETUP_HINT}"
    if configured:
        return f"PDF needs Chromium, but {CHROMIUM_ENV}={configured!r} is not an executable; {SETUP_HINT}"
    return f"PDF needs Chromium, but none of {', '.join(CHROMIUM_COMMANDS)} is on PATH; {SETUP_HINT}"


class PdfPrinter:
    """Renders HTML strings to A4 PDFs; create one per process and ``await close()`` on shutdown."""

    def __init__(
        self,
        *,
        executable: str | None = None,
        max_pages: int = 2,
        timeout: float = 30.0,
        footer_template: str = FOOTER_TEMPLATE,
    ) -> None:
        self.executable = executable  # a path or command; None: find_chromium() at each launch
        self.timeout = timeout
        self.footer_template = footer_template
        self._slots = asyncio.Semaphore(max_pages)
        self._launch_lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def pdf(self, html: str) -> bytes:
        """The PDF of ``html``.

        Raises :class:`PdfUnavailable` without Chromium and :class:`TimeoutError` after ``timeout``
        seconds (waiting for a free page included).
        """
        async with asyncio.timeout(self.timeout), self._slots:
            try:
                return await self._render(html)
            except PlaywrightError:
                if self._browser is not None and self._browser.is_connected():
                    raise
                # The browser died under this page: once more in a fresh one.
                return await self._render(html)

    async def close(self) -> None:
        """Close the browser and Playwright's driver; the next pdf() starts them again."""
        async with self._launch_lock:
            await self._shutdown()

    async def _render(self, html: str) -> bytes:
        browser = await self._ensure_browser()
        page = await browser.new_page()  # in a context of its own, closed with the page
        try:
            await page.set_content(html, wait_until="load")
            return await page.pdf(
                format="A4",
                print_background=True,
                margin=MARGIN,
                display_header_footer=True,
                header_template="<span></span>",  # no default header (date and title)
                footer_template=self.footer_template,
            )
        finally:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(page.close(), 5)

    async def _ensure_browser(self) -> Browser:
        async with self._launch_lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            await self._shutdown()  # a crashed browser, or its driver, is not reused
            executable = shutil.which(self.executable) if self.executable else find_chromium()
            if executable is None:
                raise PdfUnavailable(_unavailable_message(self.executable))
            from playwright.async_api import async_playwright

            self._playwright = await async_playwright().start()
            try:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=executable, headless=True, args=chromium_args()
                )
            except PlaywrightError as exc:
                await self._shutdown()
                raise PdfUnavailable(f"PDF needs Chromium, but {executable} would not start: {exc}") from exc
            return self._browser

    async def _shutdown(self) -> None:
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        if browser is not None:
            with contextlib.suppress(PlaywrightError):
                await browser.close()
        if playwright is not None:
            with contextlib.suppress(PlaywrightError):
                await playwright.stop()


def printer_of(state: dict[str, Any]) -> PdfPrinter:
    """The process's printer (one browser per process), kept in the service's ``state``; the
    service's printer job closes it on shutdown."""
    printer: PdfPrinter | None = state.get("pdf")
    if printer is None:
        printer = state["pdf"] = PdfPrinter()
    return printer
