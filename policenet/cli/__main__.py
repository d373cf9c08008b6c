"""``python -m policenet.cli``."""

from policenet.cli.main import app

app()
