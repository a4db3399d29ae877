"""nn: neural networks on top of autograd (filled by the nn issue)."""

__all__: list[str] = []
