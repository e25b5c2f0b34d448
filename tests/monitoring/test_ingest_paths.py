"""The per-sensor threshold path of ingest (`_thresholds`, taken for sensors with only threshold
rules) concludes what the reading-by-reading path (`_reading`) concludes: the same hits (first,
last, peak, count) and the same newest clear reading, for any sequence of readings."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from anying.monitoring import ingest
from anying.monitoring.ingest import RuleConf, SensorConf


def _conf(rules) -> SensorConf:
    conf = SensorConf(7, 1, 1, "PT-1", "压力", "kPa", 0, 100)
    conf.rules = [RuleConf(i + 1, "threshold", bound, thr, None, None, None, 2) for i, (bound, thr) in enumerate(rules)]
    return conf


def _both(conf, readings):
    new = sorted((conf.id, t, v) for t, v in readings.items())
    fast_hits, fast_clear = {}, {}
    ingest._thresholds(conf.id, conf, iter(new), fast_hits, fast_clear)
    slow_hits, slow_clear, prev = {}, {}, {}
    for sid, t, v in new:
        ingest._reading(sid, t, v, conf, prev, {}, set(), slow_hits, slow_clear)
    return (fast_hits, fast_clear), (slow_hits, slow_clear)


bounds = st.sampled_from(["H", "HH", "L", "LL"])
thresholds = st.one_of(st.none(), st.floats(-10, 110, allow_nan=False))
readings = st.dictionaries(st.integers(0, 10_000), st.floats(-50, 150, allow_nan=False), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(bounds, thresholds), min_size=1, max_size=4), readings)
def test_the_threshold_path_agrees_with_reading_by_reading(rules, values):
    fast, slow = _both(_conf(rules), values)
    assert fast == slow


def test_a_long_breach_with_clear_readings_between():
    rng = random.Random(16)
    values = {t * 1000: rng.choice([95.0, 85.0, 40.0, 5.0]) for t in range(500)}
    fast, slow = _both(_conf([("HH", 90.0), ("H", 80.0), ("L", 10.0)]), values)
    assert fast == slow and fast[0]
