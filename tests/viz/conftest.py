import pytest

from autograd import examples


@pytest.fixture
def classic():
    """a, b, c, d, e of e = (a + b)(b + 1), labelled."""
    return examples.classic()
