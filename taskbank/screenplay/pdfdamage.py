"""Damage in a PDF that its libraries trip on: page structure of the wrong type."""

from __future__ import annotations


def structure_errors() -> tuple[type[Exception], ...]:
    """What pdfplumber and pdfminer raise, beyond their own errors, when a damaged file's structure
    is not what they expect: `/MediaBox null` (TypeError), a box of two numbers (IndexError), a
    dictionary (KeyError), a box holding a name (MalformedPDFException)."""
    from pdfplumber.utils.exceptions import MalformedPDFException

    return (MalformedPDFException, TypeError, ValueError, LookupError, ArithmeticError)
