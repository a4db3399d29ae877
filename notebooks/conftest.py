"""``make test`` executes each notebook with nbmake, which can take a while: say which one runs."""

import pytest

_config: list[pytest.Config] = []


def pytest_configure(config):
    _config.append(config)


def pytest_runtest_logstart(nodeid, location):
    reporter = _config[0].pluginmanager.get_plugin("terminalreporter") if _config else None
    if reporter is not None and nodeid.endswith(".ipynb"):
        if getattr(reporter._tw, "width_of_current_line", 1):  # on a line of its own
            reporter.write("\n")
        reporter.write(f"executing {nodeid.split('::')[0]} ", flush=True)
