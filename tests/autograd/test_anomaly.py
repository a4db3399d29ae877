"""detect_anomaly(): the first non-finite result or gradient names its operation and its origin."""

import pytest

from autograd import Value, detect_anomaly


def test_a_non_finite_result_names_the_operation_inputs_and_user_line():
    x = Value(0.0)
    with detect_anomaly(), pytest.raises(FloatingPointError) as err:
        x.log()
    message = str(err.value)
    assert "'log'" in message and "(0.0)" in message and "-inf" in message
    assert "test_anomaly.py:" in message


def test_a_non_finite_gradient_names_the_operation_that_made_it():
    with detect_anomaly():
        x = Value(0.0)
        y = x.sqrt() * 2.0  # finite forward, infinite local derivative at 0
        with pytest.raises(FloatingPointError) as err:
            y.backward()
    message = str(err.value)
    assert "'sqrt'" in message and "gradient inf" in message and "test_anomaly.py:" in message


def test_outside_the_context_non_finite_numbers_pass_silently():
    with detect_anomaly():
        pass
    assert Value(0.0).log().data == float("-inf")
