"""viz: diagrams of Value graphs (filled by the viz issue)."""

__all__: list[str] = []
