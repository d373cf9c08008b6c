"""The ``policenet`` command: a thin layer over the actions."""
