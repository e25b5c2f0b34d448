"""Demo incidents: filled in below (see load)."""


def load(rng) -> None:
    return None
