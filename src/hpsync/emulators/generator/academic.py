"""The academic calendar: first day of the base, teaching weeks, French school holidays.

Holidays follow a simplified national calendar (one week at Toussaint, two at Christmas,
two in February, two in April) so that generated timetables have the gaps a real base has.
"""

from __future__ import annotations

from datetime import date, timedelta

#: Fixed-date public holidays (month, day): no seance is placed on them.
PUBLIC_HOLIDAYS: tuple[tuple[int, int], ...] = ((11, 1), (11, 11), (1, 1), (5, 1), (5, 8))


def monday_of(day: date) -> date:
    """The Monday of the week containing ``day``."""
    return day - timedelta(days=day.weekday())


def first_day(year: int) -> date:
    """``DatePremierJourBase``: the Monday of the week containing September 1st of ``year``."""
    return monday_of(date(year, 9, 1))


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


def holiday_mondays(year: int) -> set[date]:
    """Mondays of the holiday weeks of the academic year starting in September ``year``."""
    last_october = _nth_monday(year, 10, 4)
    if (last_october + timedelta(days=7)).month == 10:
        last_october += timedelta(days=7)
    christmas = monday_of(date(year, 12, 25))
    winter = _nth_monday(year + 1, 2, 2)
    spring = _nth_monday(year + 1, 4, 2)
    weeks = {last_october, christmas, christmas + timedelta(days=7)}
    weeks |= {winter, winter + timedelta(days=7), spring, spring + timedelta(days=7)}
    return weeks


def teaching_weeks(year: int) -> list[date]:
    """Mondays of the teaching weeks, first week of September to the end of June."""
    holidays = holiday_mondays(year)
    end = date(year + 1, 6, 30)
    weeks: list[date] = []
    monday = first_day(year)
    while monday <= end:
        if monday not in holidays:
            weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def is_public_holiday(day: date) -> bool:
    """True on a fixed-date public holiday (Toussaint, Armistice, 1 January, 1 and 8 May)."""
    return (day.month, day.day) in PUBLIC_HOLIDAYS


def is_teaching_day(day: date) -> bool:
    """False on a public holiday and in July/August (the year ends on 30 June)."""
    return not is_public_holiday(day) and day.month not in (7, 8)


def shift_year(day: date, years: int = 1) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
