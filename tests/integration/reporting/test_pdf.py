"""The PDF adapter prints self-contained HTML with the system Chromium; and pages with inline SVG render."""

from __future__ import annotations

import asyncio
import io
import re
import urllib.parse
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, ConsoleMessage
from pypdf import PdfReader

from kraftsamla_reporting.adapters.pdf import (
    CHROMIUM_ENV,
    SETUP_HINT,
    PdfPrinter,
    PdfUnavailable,
    find_chromium,
)

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120" '
    'role="img" aria-label="Ansökningar per styrkeområde">'
    '<rect x="10" y="20" width="180" height="30" fill="#2a6f97"/>'
    '<rect x="10" y="70" width="260" height="30" fill="#f4a259"/>'
    '<text x="200" y="40" font-size="14">Skog 3</text>'
    "</svg>"
)

HTML = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Uppföljning</title>
<style>
  body {{ font-family: sans-serif; }}
  h1 {{ background: #dbe9f4; padding: 4mm; }}
  .ny-sida {{ break-before: page; }}
</style></head>
<body>
  <h1>Uppföljningsrapport för Jämtland Härjedalen</h1>
  <h2>Hållbar energi och skogsnäring</h2>
  {SVG}
  <h2 class="ny-sida">Åtgärder i Åsnen och Växjö</h2>
  <p>Bedömda ansökningar: 12.</p>
</body></html>"""


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
async def printer() -> AsyncIterator[PdfPrinter]:
    if find_chromium() is None:
        pytest.skip(f"no Chromium found: {SETUP_HINT}")
    printer = PdfPrinter(max_pages=2, timeout=60)
    try:
        yield printer
    finally:
        await printer.close()


async def test_prints_swedish_headings_svg_and_page_numbers_on_a4(printer: PdfPrinter) -> None:
    data = await printer.pdf(HTML)

    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    first, second = (normalised(page.extract_text()) for page in reader.pages)
    assert "Uppföljningsrapport för Jämtland Härjedalen" in first
    assert "Hållbar energi och skogsnäring" in first
    assert "Skog 3" in first  # text inside the inline SVG
    assert "Åtgärder i Åsnen och Växjö" in second
    assert "1 / 2" in first and "2 / 2" in second  # the footer's page numbers
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert width == pytest.approx(595, abs=2) and height == pytest.approx(842, abs=2)  # A4 in points


async def test_concurrent_documents_share_one_browser_and_survive_its_loss(printer: PdfPrinter) -> None:
    documents = [HTML.replace("Jämtland Härjedalen", f"Region {n}") for n in range(4)]
    pdfs = await asyncio.gather(*(printer.pdf(html) for html in documents))
    for n, data in enumerate(pdfs):
        assert f"Region {n}" in PdfReader(io.BytesIO(data)).pages[0].extract_text()

    browser = printer._browser
    assert browser is not None
    await browser.close()  # as if it had crashed: the next document starts a new one
    data = await printer.pdf(HTML)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2
    assert printer._browser is not None and printer._browser is not browser


async def test_missing_chromium_raises_pdf_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHROMIUM_ENV, "/nonexistent/chromium")
    assert find_chromium() is None
    printer = PdfPrinter()
    try:
        with pytest.raises(PdfUnavailable, match=f"{CHROMIUM_ENV}='/nonexistent/chromium'"):
            await printer.pdf(HTML)
    finally:
        await printer.close()

    with pytest.raises(PdfUnavailable, match="kraftsamla"):
        await PdfPrinter(executable="/nonexistent/chromium").pdf(HTML)


async def test_inline_svg_renders_without_console_errors(browser: Browser) -> None:
    page = await browser.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto("data:text/html;charset=utf-8," + urllib.parse.quote(HTML))
        box = await page.locator("svg").bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
        assert await page.locator("h1").inner_text() == "Uppföljningsrapport för Jämtland Härjedalen"
    finally:
        await page.close()
    assert errors == []
