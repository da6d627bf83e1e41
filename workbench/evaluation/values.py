"""What counts as a missing value and as a number, the same way in every statistics module."""
from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd


def is_missing(value) -> bool:
    """None, pandas' NA and NaT, and any NaN (Python or numpy) are missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_)) and math.isnan(value)


def is_number(value) -> bool:
    """A real number (Python or numpy); booleans are not numbers here."""
    return isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_))
