import random

import pytest

from anying.core.hooks import DEMO_LOADERS


@pytest.fixture
def demo(db):
    """The whole demo district (every app's loader, in order), as the walks use it."""
    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        loader.load(random.Random(2022))


@pytest.fixture(autouse=True)
def fresh_entry_cache():
    from anying.forestfire import entry

    entry.forget()
    yield
    entry.forget()
