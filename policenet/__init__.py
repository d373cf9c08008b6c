"""policenet: an open hub for international police cooperation."""

__version__ = "0.1.0"
