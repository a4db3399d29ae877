"""MkDocs hooks for the site (mkdocs.yml ``hooks``): the docstrings' examples, written as Python
sessions (``>>>`` lines and their output), are shown as code, not as quotations."""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from mkdocs.plugins import event_priority


class _Sessions(Preprocessor):
    """Each run of lines that starts with ``>>>`` and goes on to a blank line becomes a
    ``pycon`` code block."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        session: list[str] = []
        fenced = False
        for line in [*lines, ""]:
            if line.lstrip().startswith("```"):
                fenced = not fenced
            if not fenced and (line.lstrip().startswith(">>>") or (session and line.strip())):
                session.append(line)
                continue
            if session:
                indent = len(session[0]) - len(session[0].lstrip())
                out += ["", "```pycon", *(s[indent:] for s in session), "```", ""]
                session = []
            out.append(line)
        return out[:-1]


class _SessionsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_Sessions(md), "python_sessions", 40)


@event_priority(100)  # before mkdocstrings reads the list of extensions
def on_config(config):
    config.markdown_extensions.append(_SessionsExtension())
    return config
