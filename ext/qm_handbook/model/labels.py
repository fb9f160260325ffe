"""German display helpers shared by all views (dates, institution status) and ISO date parsing."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def parse_date(value: object) -> dt.date | None:
    """A field value as a date: a date stays, an ISO string (``JJJJ-MM-TT``) is parsed, else None."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def format_date(value: dt.date | None, empty: str = "–") -> str:
    """``2026-12-31`` → ``31.12.2026``."""
    return value.strftime("%d.%m.%Y") if value else empty


def germanize_dates(text: str) -> str:
    """Replace every ISO date in ``text`` by the German form."""
    return _ISO_DATE.sub(lambda m: f"{m.group(3)}.{m.group(2)}.{m.group(1)}", text)


def css_token(value: str) -> str:
    """A CSS class fragment for a German vocabulary value (``in Arbeit`` → ``in-arbeit``)."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"})
    return value.lower().translate(table)


def format_percent(value: float | None) -> str:
    """``82.5`` → ``82,5 %``; None (nothing applicable) → ``–``."""
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", ",") + " %"
