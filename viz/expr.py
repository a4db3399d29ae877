"""The expression language of ``gradviz``: parsed by this module, never evaluated by Python.

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := "-" unary | power
    power  := atom ("**" unary)?           (right-associative, binds tighter than unary minus
                                            on its left: -x**2 is -(x**2), as in Python)
    atom   := number | name | function "(" expr ")" | "(" expr ")"

Names are variables, except the constants pi and e; functions are the engine's: exp, log, sqrt,
tanh, sigmoid, relu, leaky_relu, elu, softplus, gaussian, step, abs, sin, cos. Anything else is a
``ParseError`` that points at the offending column (``x^2`` suggests ``x**2``).
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from autograd import Value, value

FUNCTIONS = {name: getattr(Value, name) for name in value.METHOD_NAMES}
CONSTANTS = {"pi": math.pi, "e": math.e}

_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|[-+*/()]))",
    re.ASCII,  # "٣" is not the number 3
)


MAX_DEPTH = 100  # nested parentheses, functions, signs and powers: far below Python's own limit
SHOWN = 72  # characters of the expression an error message quotes, around the error
MAX_LABEL = 40  # characters of a sub-expression's text kept as its node's label

Node = Value | float | None  # what a parse step gives: a Value, a number, None when only checking


class ParseError(ValueError):
    """An expression that is not in the language, with the column of the offending part."""

    def __init__(self, message: str, text: str, column: int):
        self.message = message
        self.text = text
        self.column = column
        start = max(0, min(column - SHOWN // 2, len(text) - SHOWN))  # a window on a long text
        shown = text[start : start + SHOWN]
        before, after = ("…" if start else ""), ("…" if start + SHOWN < len(text) else "")
        pointer = " " * (column - start + len(before)) + "^"
        super().__init__(f"{message} at column {column + 1}\n  {before}{shown}{after}\n  {pointer}")


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op", "end", or "bad" (a character outside the language)
    text: str
    column: int


def tokenize(text: str) -> list[Token]:
    tokens, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        m = _TOKEN.match(text, i)
        if not m or m.end() == i:
            # Reported by the parser when it gets there, so that errors come in reading order.
            tokens.append(Token("bad", text[i], i))
            return tokens
        kind = m.lastgroup or ""
        start = m.start(kind)
        tokens.append(Token(kind, m.group(kind), start))
        i = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


@dataclass
class Expression:
    """A parsed expression: call ``build(values)`` to make its Value graph."""

    text: str
    tokens: list[Token]
    variables: list[str]  # in order of first appearance

    @property
    def operations(self) -> int:
        """How many operation nodes building the expression makes: one per binary operator,
        minus sign and function call (a leading plus sign makes none)."""
        count = 0
        for before, token in zip([None, *self.tokens], self.tokens, strict=False):
            if token.kind == "name" and token.text in FUNCTIONS:
                count += 1
            elif token.kind == "op" and token.text not in "()":
                operand_before = before is not None and (
                    before.kind in ("number", "name") or before.text == ")"
                )
                count += token.text != "+" or operand_before
        return count

    def build(self, values: dict[str, float]) -> tuple[Value | float, dict[str, Value]]:
        """The output Value (a number when the expression has no variables), and the leaf Value
        of each variable (labelled with its name)."""
        leaves = {name: Value(values[name], name) for name in self.variables}
        out = _Parser(self.text, self.tokens, leaves).parse()
        assert out is not None  # with leaves, every step builds
        return out, leaves


def parse(text: str) -> Expression:
    """Check ``text`` against the grammar and list its variables (raises ``ParseError``)."""
    if not isinstance(text, str):
        raise TypeError(f"expected an expression string, got {type(text).__name__}")
    if not text.strip():
        raise ParseError("empty expression", text, 0)
    tokens = tokenize(text)
    names: list[str] = []
    _Parser(text, tokens, None, names).parse()
    return Expression(text, tokens, names)


def _shown(token: Token) -> str:
    if token.kind == "end":
        return "end of expression"
    if token.kind == "bad":
        return f"character {token.text!r}"
    return repr(token.text) if len(token.text) <= 40 else repr(token.text[:40] + "…")


def _hint(token: Token) -> str:
    return " (powers are written **, as in Python: x**2)" if token.text == "^" else ""


def _node(x: Node) -> Value:
    assert x is not None  # a parser with leaves (the only one that builds) gives no None
    return x if isinstance(x, Value) else Value(x)


class _Parser:
    """Recursive descent over the tokens. With ``leaves`` None it only checks and collects the
    variable names; with leaves it builds the Value graph."""

    def __init__(self, text: str, tokens: list[Token], leaves: dict[str, Value] | None,
                 names: list[str] | None = None) -> None:  # fmt: skip
        self.text, self.tokens, self.leaves = text, tokens, leaves
        self.names = names if names is not None else []
        self.i = 0
        self.depth = 0

    def deeper(self, token: Token) -> None:
        """One more level of nesting; refused past MAX_DEPTH, before Python's recursion limit."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(
                f"the expression is nested more than {MAX_DEPTH} levels deep (parentheses, "
                f"functions, minus signs and powers together)",
                token,
            )

    def parse(self) -> Node:
        value = self.expr()
        token = self.peek()
        if token.kind != "end":
            self.fail(f"unexpected {_shown(token)}{_hint(token)}", token)
        return value

    # grammar
    def expr(self) -> Node:
        return self.binary(self.term, ("+", "-"))

    def term(self) -> Node:
        return self.binary(self.unary, ("*", "/"))

    def binary(self, operand: Callable[[], Node], symbols: tuple[str, ...]) -> Node:
        """operand (symbol operand)*, left-associative."""
        start = self.peek().column
        value = operand()
        while self.peek().kind == "op" and self.peek().text in symbols:
            op = self.take().text
            value = self.named(self.apply(op, value, operand()), start)
        return value

    def unary(self) -> Node:
        start = self.peek().column
        if self.peek().text == "-" and self.peek().kind == "op":
            self.deeper(self.take())
            value = self.unary()
            self.depth -= 1
            return None if self.leaves is None else self.named(-_node(value), start)
        if self.peek().text == "+" and self.peek().kind == "op":
            self.deeper(self.take())
            value = self.unary()
            self.depth -= 1
            return value
        return self.power()

    def power(self) -> Node:
        start = self.peek().column
        base = self.atom()
        if self.peek().text == "**":
            self.deeper(self.take())
            exponent = self.unary()
            self.depth -= 1
            return self.named(self.apply("**", base, exponent), start)
        return base

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return float(token.text)
        if token.kind == "name":
            if keyword.iskeyword(token.text):
                self.fail(
                    f"Python keyword {token.text!r} is not part of the expression language "
                    f"(numbers, variables, + - * / **, parentheses and the engine's functions)",
                    token,
                )
            if self.peek().text == "(":
                if token.text not in FUNCTIONS:
                    self.fail(
                        f"unknown function {token.text!r} (the functions are "
                        f"{', '.join(FUNCTIONS)})",
                        token,
                    )
                self.deeper(self.take())
                argument = self.expr()
                self.expect(")")
                self.depth -= 1
                return self.named(self.call(token.text, argument), token.column)
            if token.text in FUNCTIONS:
                self.fail(f"function {token.text!r} needs an argument in parentheses", token)
            if token.text in CONSTANTS:
                return CONSTANTS[token.text]
            if token.text not in self.names:
                self.names.append(token.text)
            return None if self.leaves is None else self.leaves[token.text]
        if token.text == "(":
            self.deeper(token)
            value = self.expr()
            self.expect(")")
            self.depth -= 1
            return value
        if token.kind == "bad":
            self.fail(f"unexpected {_shown(token)}{_hint(token)}", token)
        self.fail(f"expected a number, a name or '(' but found {_shown(token)}", token)

    # helpers
    def named(self, value: Node, start: int) -> Node:
        """Label a new node with the text of its sub-expression, e.g. "(a+b)" or "tanh(x)",
        cut to MAX_LABEL characters with an ellipsis (a long expression's labels would otherwise
        take memory quadratic in its length)."""
        if isinstance(value, Value) and not value.label:
            end = self.tokens[self.i - 1]
            stop = end.column + len(end.text)
            if stop - start <= MAX_LABEL:
                value.label = self.text[start:stop].strip()
            else:
                value.label = self.text[start : start + MAX_LABEL - 1].strip() + "…"
        return value

    def apply(self, op: str, left: Node, right: Node) -> Node:
        if self.leaves is None:
            return None
        assert left is not None and right is not None  # with leaves, every step builds
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = Value(left)  # a constant expression still becomes a node to draw
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "/":
            return left / right
        return left**right

    def call(self, name: str, argument: Node) -> Node:
        if self.leaves is None:
            return None
        return FUNCTIONS[name](_node(argument))

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != "end":
            self.i += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text or token.kind == "bad":
            self.fail(f"expected {text!r} but found {_shown(token)}", token)

    def fail(self, message: str, token: Token) -> NoReturn:
        raise ParseError(message, self.text, token.column)
