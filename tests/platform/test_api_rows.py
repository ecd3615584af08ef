"""The list rows' converters (jingzhidai.api.row_converter) give what DRF's fields give, byte for
byte once rendered, for every kind of value a row may hold: aware date-times in and out of UTC
under any current time zone, naive and string values, decimals of every precision, other types."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from jingzhidai.api import row_converter

UTC = datetime.UTC
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DATETIMES = [
    datetime.datetime(2026, 12, 1, 15, 40, tzinfo=UTC),
    datetime.datetime(2026, 12, 1, 23, 59, 59, 999999, tzinfo=UTC),
    datetime.datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI),
    datetime.datetime(2024, 2, 29, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
    datetime.datetime(2026, 12, 1, 15, 40),  # naive: DRF makes it aware
    "2026-12-01T15:40:00Z",  # a string goes through unchanged
]
DECIMALS = [Decimal("1500000"), Decimal("1500000.5"), Decimal("0.005"), Decimal("3.1415"), Decimal("-2.675"),
            Decimal("12345678901234.99"), 7, 3.25, "4.10"]
FIELDS = [
    (serializers.DateTimeField(), DATETIMES),
    (serializers.DateTimeField(default_timezone=UTC), DATETIMES),
    (serializers.DateTimeField(format="%Y-%m-%d %H:%M"), DATETIMES[:5]),
    (serializers.DecimalField(max_digits=16, decimal_places=2), DECIMALS),
    (serializers.DecimalField(max_digits=6, decimal_places=3), [Decimal("3.1415"), Decimal("-2.675"),
                                                                Decimal("0.005"), 7, 3.25, "4.10"]),
    (serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False), DECIMALS),
    (serializers.DateField(), [datetime.date(2026, 12, 1)]),
    (serializers.IntegerField(), [0, 7, 2**40]),
    (serializers.CharField(), ["北京", "", 5]),
    (serializers.ChoiceField(choices=[("a", "A"), ("b", "B")]), ["a", "b", "c"]),
]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
@pytest.mark.parametrize("field,values", FIELDS, ids=lambda x: type(x).__name__ if isinstance(x, serializers.Field) else "")
def test_row_converter_is_the_fields_output(field, values, zone):
    with timezone.override(zone):
        convert = row_converter(field, timezone.get_current_timezone())
        for value in values:
            fast, drf = convert(value), field.to_representation(value)
            assert JSONRenderer().render(fast) == JSONRenderer().render(drf), value


def test_datetimes_take_the_fast_form_and_decimals_too():
    """The point of row_converter: not the field's method, whose time zone is read per value."""
    tz = timezone.get_current_timezone()
    assert row_converter(serializers.DateTimeField(), tz) != serializers.DateTimeField().to_representation
    assert row_converter(serializers.DecimalField(max_digits=16, decimal_places=2), tz).__name__ == "convert_decimal"
    assert row_converter(serializers.DateTimeField(), tz).__name__ == "convert_datetime"
