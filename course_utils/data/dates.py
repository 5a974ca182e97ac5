"""Date normalisation data: dates as people write them, in several languages, -> ISO 8601.

The source strings come from the CLDR locale data shipped in the ``babel`` package
(``babel.dates.format_date``), so "Tuesday, 3 March 1998", "3. März 1998", "3 de marzo de
1998" and "03/03/98" are the real conventions of those languages, not templates we made up.
The target is always ``1998-03-03``. The task follows the classic "neural machine
translation of dates" exercise (used in Andrew Ng's sequence-models course), widened to
eight locales.

Two design choices keep every source string unambiguous, so 100 % is attainable:

* Dates lie in 1950-2049, so a two-digit year has one reading (98 -> 1998, 03 -> 2003).
* All-numeric formats are used only where the day comes first; the US short form
  "3/4/98" (month first) would collide with the Spanish "3/4/98" (day first), so en_US
  contributes only its formats with a written month.

The split is by **date**: a validation or test date never appears in training, in any
language or format.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from babel.dates import format_date

FIRST_DATE = datetime.date(1950, 1, 1)
LAST_DATE = datetime.date(2049, 12, 31)

# locale -> the CLDR widths used for it (see the module docstring for why en_US has no "short")
DATE_FORMATS: dict[str, tuple[str, ...]] = {
    "en_US": ("medium", "long", "full"),
    "en_GB": ("short", "medium", "long", "full"),
    "de_DE": ("short", "medium", "long", "full"),
    "fr_FR": ("short", "medium", "long", "full"),
    "es_ES": ("short", "medium", "long", "full"),
    "it_IT": ("short", "medium", "long", "full"),
    "nl_NL": ("short", "medium", "long", "full"),
    "pt_BR": ("short", "medium", "long", "full"),
}
STYLES: tuple[tuple[str, str], ...] = tuple(
    (locale, width) for locale, widths in DATE_FORMATS.items() for width in widths
)


@dataclass(frozen=True)
class DateExample:
    """One written date and its ISO form, with the locale and CLDR width that wrote it."""

    source: str  # e.g. "3. März 1998"
    target: str  # e.g. "1998-03-03"
    locale: str  # e.g. "de_DE"
    width: str  # "short", "medium", "long" or "full"


def write_date(date: datetime.date, locale: str, width: str) -> DateExample:
    """Write ``date`` the way ``locale`` does at CLDR ``width`` -> a DateExample."""
    if (locale, width) not in STYLES:
        raise ValueError(
            f"no date style ({locale!r}, {width!r}); choose one of course_utils.data.dates.STYLES"
        )
    return DateExample(format_date(date, width, locale=locale), date.isoformat(), locale, width)


@dataclass(frozen=True)
class DateSplits:
    """Disjoint sets of calendar dates; examples are written from them on demand."""

    train: tuple[datetime.date, ...]
    valid: tuple[datetime.date, ...]
    test: tuple[datetime.date, ...]


def split_dates(valid: int = 1000, test: int = 1000, seed: int = 0) -> DateSplits:
    """Shuffle every date of 1950-2049 with ``seed`` and hold out ``valid`` + ``test`` of them."""
    days = (LAST_DATE - FIRST_DATE).days + 1  # 36,524
    if valid < 0 or test < 0 or valid + test >= days:
        raise ValueError(f"valid + test must leave training dates: got {valid} + {test} of {days}")
    dates = [FIRST_DATE + datetime.timedelta(days=k) for k in range(days)]
    random.Random(seed).shuffle(dates)
    return DateSplits(
        train=tuple(dates[valid + test :]),
        valid=tuple(dates[:valid]),
        test=tuple(dates[valid : valid + test]),
    )


def sample_dates(dates: Sequence[datetime.date], n: int, rng: random.Random) -> list[DateExample]:
    """``n`` examples: a random date of ``dates`` written in a random style, each."""
    return [write_date(rng.choice(dates), *rng.choice(STYLES)) for _ in range(n)]


def every_style(dates: Sequence[datetime.date]) -> list[DateExample]:
    """Each date written in every style: a fixed evaluation set, balanced over styles."""
    return [write_date(date, *style) for date in dates for style in STYLES]


def date_alphabet() -> list[str]:
    """Every character any style can write (all weekdays and months), sorted."""
    week = [datetime.date(2001, 1, d) for d in range(1, 8)]  # Monday 1 .. Sunday 7 January 2001
    months = [datetime.date(2001, m, 28) for m in range(1, 13)]
    chars = {ch for d in week + months for style in STYLES for ch in write_date(d, *style).source}
    return sorted(chars | set("0123456789"))
