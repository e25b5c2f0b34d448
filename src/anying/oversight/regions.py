"""The rows of the 一张表 and the reports' tables live in core (core/region_rows.py) since the
campaigns' statistics, below oversight, break their figures down the same way."""

from anying.core.region_rows import ABOVE_TOWN, Rows

__all__ = ["ABOVE_TOWN", "Rows"]
