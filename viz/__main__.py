"""``python -m viz``: the gradviz command."""

from .cli import console

console()
