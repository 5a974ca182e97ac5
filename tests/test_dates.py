import datetime
import random

import pytest

from course_utils.data.dates import (
    FIRST_DATE,
    LAST_DATE,
    STYLES,
    date_alphabet,
    every_style,
    sample_dates,
    split_dates,
    write_date,
)


def test_write_date_uses_each_locales_conventions():
    day = datetime.date(1998, 3, 3)
    assert write_date(day, "de_DE", "long").source == "3. März 1998"
    assert write_date(day, "en_US", "full").source == "Tuesday, March 3, 1998"
    assert write_date(day, "es_ES", "long").source == "3 de marzo de 1998"
    assert write_date(day, "de_DE", "short").source == "03.03.98"
    assert {write_date(day, *style).target for style in STYLES} == {"1998-03-03"}


def test_unknown_style_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="STYLES"):
        write_date(datetime.date(2000, 1, 1), "en_US", "short")  # month-first: excluded


def test_every_source_string_has_one_reading():
    """No written form maps to two dates: day-first numerics only, years 1950-2049."""
    days = [datetime.date(1998, 1, 1) + datetime.timedelta(days=k) for k in range(731)]
    days += [FIRST_DATE, LAST_DATE, datetime.date(2003, 4, 5), datetime.date(1903 + 100, 4, 5)]
    seen: dict[str, str] = {}
    for example in every_style(days):
        assert seen.setdefault(example.source, example.target) == example.target, example


def test_split_is_disjoint_deterministic_and_complete():
    a, b = split_dates(valid=50, test=60, seed=3), split_dates(valid=50, test=60, seed=3)
    assert a == b
    assert (len(a.valid), len(a.test)) == (50, 60)
    assert not set(a.train) & set(a.valid) and not set(a.train) & set(a.test)
    assert not set(a.valid) & set(a.test)
    assert len(a.train) + 110 == (LAST_DATE - FIRST_DATE).days + 1
    assert split_dates(valid=50, test=60, seed=4).test != a.test


def test_split_refuses_to_leave_no_training_dates():
    with pytest.raises(ValueError, match="training dates"):
        split_dates(valid=20_000, test=20_000)


def test_alphabet_covers_every_style_and_samples_are_reproducible():
    alphabet = set(date_alphabet())
    examples = sample_dates(split_dates().train, 500, random.Random(0))
    assert examples == sample_dates(split_dates().train, 500, random.Random(0))
    assert all(set(e.source) <= alphabet for e in examples)
    assert {(e.locale, e.width) for e in examples} == set(STYLES)  # 500 draws hit all 31
