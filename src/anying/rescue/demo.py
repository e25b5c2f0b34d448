def load(rng) -> None:
    pass
