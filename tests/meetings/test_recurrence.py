import datetime

from meetings.models import OSLO, SeriesException
from tests.factories import make_meeting, make_series


def test_it_lists_the_next_mondays_from_a_given_day(db):
    series = make_series(weekdays=[0], valid_from=datetime.date(2026, 1, 5))
    dates = [occ.start for occ in series.next_occurrences(3, today=datetime.date(2026, 2, 4))]
    assert dates == [
        datetime.datetime(2026, 2, 9, 12, 30, tzinfo=OSLO),
        datetime.datetime(2026, 2, 16, 12, 30, tzinfo=OSLO),
        datetime.datetime(2026, 2, 23, 12, 30, tzinfo=OSLO),
    ]


def test_biweekly_and_monthly_frequencies(db):
    biweekly = make_series(frequency="biweekly", weekdays=[2], valid_from=datetime.date(2026, 1, 7))
    days = [o.date for o in biweekly.next_occurrences(3, today=datetime.date(2026, 1, 7))]
    assert days == [
        datetime.date(2026, 1, 7),
        datetime.date(2026, 1, 21),
        datetime.date(2026, 2, 4),
    ]
    monthly = make_series(
        frequency="monthly", weekdays=[1], week_of_month=1, valid_from=datetime.date(2026, 1, 1)
    )
    days = [o.date for o in monthly.next_occurrences(3, today=datetime.date(2026, 1, 1))]
    # The first Tuesday of January, February and March 2026.
    assert days == [datetime.date(2026, 1, 6), datetime.date(2026, 2, 3), datetime.date(2026, 3, 3)]


def test_it_stops_at_the_end_of_the_period(db):
    series = make_series(
        valid_from=datetime.date(2026, 1, 5), valid_until=datetime.date(2026, 1, 19)
    )
    dates = [o.date for o in series.next_occurrences(10, today=datetime.date(2026, 1, 1))]
    assert dates == [
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 12),
        datetime.date(2026, 1, 19),
    ]


def test_a_cancelled_date_is_left_out(db):
    series = make_series()
    SeriesException.objects.create(
        series=series, original_date=datetime.date(2026, 2, 16), cancelled=True
    )
    days = [o.date for o in series.next_occurrences(3, today=datetime.date(2026, 2, 9))]
    assert days == [
        datetime.date(2026, 2, 9),
        datetime.date(2026, 2, 23),
        datetime.date(2026, 3, 2),
    ]
    flagged = series.occurrences(
        datetime.date(2026, 2, 16), datetime.date(2026, 2, 16), include_cancelled=True
    )
    assert [o.cancelled for o in flagged] == [True]


def test_a_moved_date_appears_at_its_new_time(db):
    series = make_series()
    new_start = datetime.datetime(2026, 2, 17, 9, 0, tzinfo=OSLO)
    SeriesException.objects.create(
        series=series, original_date=datetime.date(2026, 2, 16), new_start=new_start, note="Flytta"
    )
    occs = series.occurrences(datetime.date(2026, 2, 15), datetime.date(2026, 2, 22))
    assert len(occs) == 1
    assert occs[0].moved
    assert occs[0].start == new_start
    # The duration of the series is kept when no new end is given.
    assert occs[0].end == datetime.datetime(2026, 2, 17, 10, 0, tzinfo=OSLO)
    assert occs[0].original_date == datetime.date(2026, 2, 16)


def test_a_move_across_the_window_edge_is_followed(db):
    series = make_series()
    SeriesException.objects.create(
        series=series,
        original_date=datetime.date(2026, 2, 16),
        new_start=datetime.datetime(2026, 3, 4, 9, 0, tzinfo=OSLO),
    )
    march = series.occurrences(datetime.date(2026, 3, 1), datetime.date(2026, 3, 7))
    assert [o.date for o in march] == [datetime.date(2026, 3, 2), datetime.date(2026, 3, 4)]


def test_a_1230_meeting_stays_at_1230_local_time_across_summer_time(db):
    # Summer time starts 29 March 2026 and ends 25 October 2026 in Norway.
    series = make_series(weekdays=[0], valid_from=datetime.date(2026, 3, 16))
    spring = series.occurrences(datetime.date(2026, 3, 23), datetime.date(2026, 3, 30))
    assert [o.start.time() for o in spring] == [datetime.time(12, 30)] * 2
    assert [o.start.utcoffset() for o in spring] == [
        datetime.timedelta(hours=1),
        datetime.timedelta(hours=2),
    ]
    assert [o.start.astimezone(datetime.UTC).hour for o in spring] == [11, 10]
    autumn = series.occurrences(datetime.date(2026, 10, 19), datetime.date(2026, 10, 26))
    assert [o.start.time() for o in autumn] == [datetime.time(12, 30)] * 2
    assert [o.start.astimezone(datetime.UTC).hour for o in autumn] == [10, 11]


def test_a_date_with_its_own_meeting_record_is_not_listed_twice(db):
    series = make_series()
    make_meeting(series=series, date=datetime.date(2026, 2, 9))
    days = [
        o.date for o in series.occurrences(datetime.date(2026, 2, 9), datetime.date(2026, 2, 16))
    ]
    assert days == [datetime.date(2026, 2, 16)]


def test_a_change_must_be_for_a_scheduled_date(db):
    import pytest
    from django.core.exceptions import ValidationError

    series = make_series()
    change = SeriesException(
        series=series, original_date=datetime.date(2026, 2, 17), cancelled=True
    )
    with pytest.raises(ValidationError, match="no meeting on this date"):
        change.full_clean()
