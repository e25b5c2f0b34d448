"""anying (安应): work-safety supervision and emergency management platform."""

__version__ = "0.1.0"
