"""What a person reads in: a language (gettext catalogs) and a time zone.

Staff read the dashboard, the demo report and the e-mails; machines read ``--json`` and
the logs. Everything a person reads goes through a :class:`Reader`, so a time is always
shown in the account's zone (named once per page, never as UTC) and a word in the chosen
language. Machine outputs never do: they stay ISO-8601 with offsets, in English keys.

The catalogs are gettext's (``locale/<lang>/LC_MESSAGES/hpsync.po`` and the compiled
``.mo``), committed and shipped as package data: nothing is compiled or fetched at run
time. English is the source language (the msgids), so it needs no catalog. How to update
them is in ``docs/i18n.md``.
"""

from __future__ import annotations

import gettext as _gettext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

DOMAIN: Final = "hpsync"
LOCALE_DIR: Final = Path(__file__).parent
LANGUAGES: Final = ("fr", "en")
DEFAULT_LANGUAGE: Final = "fr"
# Babel date patterns: a weekday helps a reader place a date in the school week.
WHEN_PATTERN: Final = "EEE d MMM y, HH:mm"
DAY_PATTERN: Final = "EEE d MMM"
DATE_PATTERN: Final = "d MMM y"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The catalog of ``language`` (English, and anything unknown, is the msgid itself)."""
    if language not in LANGUAGES or language == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


def supported(language: str | None) -> str | None:
    """``language`` reduced to one hpsync speaks (``fr-CA`` → ``fr``), or None."""
    if not language:
        return None
    primary = language.strip().lower().replace("_", "-").split("-", 1)[0]
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The first language of an ``Accept-Language`` header that hpsync speaks, by weight.

    ``fr-FR,fr;q=0.9,en;q=0.8`` → ``fr``; ``de,en;q=0.5`` → ``en``; nothing usable →
    ``default`` (the configuration's language).
    """
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        found = supported(tag)
        if found and weight > 0:
            ranked.append((-weight, n, found))
    return min(ranked)[2] if ranked else default


def _aware(value: datetime) -> datetime:
    """A naive datetime is UTC (stores without zones hand those back)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Reader:
    """The person reading: their language and their account's time zone.

    ``gettext`` and ``ngettext`` are named so that Babel's extractor finds the messages
    passed to them (``reader.gettext("...")``).
    """

    language: str = DEFAULT_LANGUAGE
    zone: str = "Europe/Paris"
    _catalog: _gettext.NullTranslations = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        language = supported(self.language) or DEFAULT_LANGUAGE
        object.__setattr__(self, "language", language)
        object.__setattr__(self, "_catalog", translations(language))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def gettext(self, message: str, **values: object) -> str:
        """``message`` in the reader's language, ``{name}`` fields filled from ``values``."""
        text = self._catalog.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The singular or plural form for ``n``; ``{n}`` and ``values`` are filled in."""
        return self._catalog.ngettext(singular, plural, n).format(n=n, **values)

    def when(self, value: datetime | None) -> str:
        """An instant as the school reads it: ``lun. 7 déc. 2026, 04:00`` (no zone name:
        each page names the zone once)."""
        if value is None:
            return "—"
        return format_datetime(_aware(value), WHEN_PATTERN, tzinfo=self.tz, locale=self.language)

    def clock_time(self, value: datetime | None) -> str:
        """The wall-clock time only (``09:30``), in the zone."""
        if value is None:
            return "—"
        return f"{_aware(value).astimezone(self.tz):%H:%M}"

    def span(self, start: datetime | None, end: datetime | None) -> str:
        """``lun. 2 mars 2026, 09:00 → 11:00``; the end's date shows only when it differs."""
        if start is None or end is None:
            return f"{self.when(start)} → {self.when(end)}"
        same_day = (
            _aware(start).astimezone(self.tz).date() == _aware(end).astimezone(self.tz).date()
        )
        tail = self.clock_time(end) if same_day else self.when(end)
        return f"{self.when(start)} → {tail}"

    def day(self, value: date) -> str:
        """A school day on a chart axis: ``lun. 7 déc.``."""
        return format_date(value, DAY_PATTERN, locale=self.language)

    def date(self, value: date | datetime) -> str:
        """A date in a sentence: ``7 déc. 2026``."""
        if isinstance(value, datetime):
            value = _aware(value).astimezone(self.tz).date()
        return format_date(value, DATE_PATTERN, locale=self.language)

    def zone_note(self) -> str:
        """The one sentence per page that names the zone of every time on it."""
        return self.gettext("Times are in the {zone} time zone.", zone=self.zone)

    def ago(self, value: datetime | None, now: datetime) -> str:
        """How long ago, coarsely: a person reads 'for 3 d' faster than a timestamp."""
        if value is None:
            return self.gettext("never")
        seconds = int((_aware(now) - _aware(value)).total_seconds())
        if seconds < 60:
            return self.gettext("just now")
        if seconds < 3600:
            return self.gettext("{n} min ago", n=seconds // 60)
        if seconds < 86400:
            return self.gettext("{n} h ago", n=seconds // 3600)
        return self.gettext("{n} d ago", n=seconds // 86400)

    def duration(self, seconds: int) -> str:
        """``30 min``, ``2 h``, ``1 d``: a threshold as a person reads it."""
        if seconds % 86400 == 0 and seconds >= 86400:
            return self.gettext("{n} d", n=seconds // 86400)
        if seconds % 3600 == 0 and seconds >= 3600:
            return self.gettext("{n} h", n=seconds // 3600)
        return self.gettext("{n} min", n=max(1, seconds // 60))

    def percent(self, value: float, digits: int = 0) -> str:
        """``87 %`` in French, ``87%`` in English (the sign stays out of the msgids)."""
        return self.number(value, digits) + (" %" if self.language == "fr" else "%")

    def number(self, value: float, digits: int = 0) -> str:
        """A figure with the language's decimal mark (``12,5`` in French)."""
        text = f"{value:.{digits}f}"
        return text.replace(".", ",") if self.language == "fr" else text
