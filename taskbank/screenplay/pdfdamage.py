"""Damage in a PDF that its libraries trip on or read past: page structure of the wrong type, and
a page's compressed text that does not decompress whole (pdfminer keeps what it can, or nothing,
saying so at most in a log line, so the script would import with words missing)."""

from __future__ import annotations

import zlib
from typing import Any

DAMAGED = "is damaged: part of its text does not decompress, so words would be lost"
_CHUNK = 1 << 20  # inflated a megabyte at a time and dropped: only completeness is checked


def structure_errors() -> tuple[type[Exception], ...]:
    """What pdfplumber and pdfminer raise, beyond their own errors, when a damaged file's structure
    is not what they expect: `/MediaBox null` (TypeError), a box of two numbers (IndexError), a
    dictionary (KeyError), a box holding a name (MalformedPDFException)."""
    from pdfplumber.utils.exceptions import MalformedPDFException

    return (MalformedPDFException, TypeError, ValueError, LookupError, ArithmeticError)


def page_is_damaged(page: Any) -> bool:
    """Whether a pdfplumber page's text streams (its contents, and the forms it draws) are cut
    short or corrupted: a deflated stream that fails to inflate, or ends before its end."""
    from pdfminer.pdftypes import PDFStream, resolve1

    pending = [resolve1(stream) for stream in page.page_obj.contents]
    resources = [page.page_obj.resources]
    seen: set[int] = set()  # forms found
    while pending or resources:
        if resources:
            found = resolve1(resources.pop())
            forms = resolve1(found.get("XObject")) if isinstance(found, dict) else None
            for form in (forms if isinstance(forms, dict) else {}).values():
                form = resolve1(form)
                if _is_form(form) and id(form) not in seen:  # a form may draw itself: once each
                    seen.add(id(form))
                    pending.append(form)
                    resources.append(form.get("Resources"))
            continue
        stream = pending.pop()
        if isinstance(stream, PDFStream) and not _inflates_whole(stream):
            return True
    return False


def _is_form(item: Any) -> bool:
    """A form XObject: drawn content (text too) of its own, unlike an image."""
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import LIT

    return isinstance(item, PDFStream) and resolve1(item.get("Subtype")) is LIT("Form")


def _inflates_whole(stream: Any) -> bool:
    """A deflated stream inflates to its end without error (other filters are left to pdfminer)."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    raw = stream.get_rawdata()
    filters = stream.get_filters()
    if raw is None or stream.decipher or not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
        return True  # decoded already, encrypted (refused before), or not deflated
    inflater = zlib.decompressobj()
    data = raw
    try:
        while not inflater.eof:
            inflated = inflater.decompress(data, _CHUNK)
            data = inflater.unconsumed_tail
            if not inflated and not data:
                break  # the input ran out before the stream's end
    except zlib.error:
        return False
    return inflater.eof
