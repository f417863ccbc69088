"""Issue 14 on MTT Business: a parking-numbers list is counted before its items are validated."""
import time

import pytest
from pydantic import ValidationError

from simulator.providers.mtt_business.models import MAX_PARKING_NUMBERS, SetParkingNumbersParams


def test_too_many_parking_numbers_are_refused_at_once():
    assert len(SetParkingNumbersParams.model_validate(
        {"numbers": ["74951234567"] * MAX_PARKING_NUMBERS, "isParking": True}).numbers) == MAX_PARKING_NUMBERS
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=f"at most {MAX_PARKING_NUMBERS} items"):
        SetParkingNumbersParams.model_validate({"numbers": ["74951234567"] * 200_000, "isParking": True})
    assert time.perf_counter() - started < 0.5
