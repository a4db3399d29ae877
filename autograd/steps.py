"""The traced replay's kinds of step, each with its forward and backward side by side.

A step reads rows of ``v`` (the value array: one row per slot, one column per sample) and writes
its own rows; ``backward`` adds its contribution to the rows of ``adj`` (the adjoints) it read,
and to ``wg`` (the parameters' gradients summed over the samples) for the matrix steps, which
read their weights from ``pv`` (the parameters' values, the same for every sample). The
derivative rules are those of ``autograd.ops``, evaluated in ``autograd.arraymath``.

``careful``: the convention that a zero local derivative contributes exactly zero, even where
the incoming gradient is infinite or NaN (PyTorch's and the engine's; ``0 * inf`` would be NaN).
The replay runs without it, and again with it only when a gradient came out non-finite.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from . import arraymath as am
from . import ops


def times(d: Any, g: np.ndarray, careful: bool) -> Any:
    """The contribution ``d * g`` of a local derivative ``d`` to an adjoint."""
    if d.__class__ is float:
        if d == 1.0:
            return g  # the 1 of + edges costs nothing
        if careful and d == 0.0:
            return 0.0
    if careful:  # as the engine, which skips an edge where either factor is 0
        return np.where((np.asarray(d) == 0) | (np.asarray(g) == 0), 0.0, d * g)
    return d * g


def matmul(d: np.ndarray, g: np.ndarray, careful: bool) -> np.ndarray:
    """``d @ g`` where ``d`` holds local derivatives: with ``careful``, a product with a zero
    factor (in ``d`` or in ``g``) adds 0."""
    if not careful or (np.isfinite(g).all() and np.isfinite(d).all()):
        return d @ g
    d3, g3 = d[:, :, None], g[None, :, :]
    return np.where((d3 == 0) | (g3 == 0), 0.0, d3 * g3).sum(axis=1)


def add(adj: np.ndarray, rows: Any, terms: Any, unique: bool) -> None:
    """``adj[rows] += terms``, adding twice where a row repeats."""
    if unique or rows.__class__ is slice:  # a slice never repeats a row
        adj[rows] += terms
    else:
        shape = (len(rows), adj.shape[1])
        np.add.at(adj, rows, np.broadcast_to(terms, shape))


def view(array: np.ndarray, rows: Any) -> np.ndarray | None:
    """``array[rows]`` as a view, when ``rows`` is a row or a slice (bound once by ``bind``);
    None for an index array, whose gather is a copy and must be taken at each call."""
    if rows.__class__ is int or rows.__class__ is slice:
        return array[rows]
    return None


def unbound(step: Any, v: np.ndarray, adj: np.ndarray | None, pv: np.ndarray,
            wg: np.ndarray) -> tuple:  # fmt: skip
    """A step's (forward, backward) on fixed arrays, by its general methods."""

    def forward() -> None:
        step.forward(v, pv)

    def backward(careful: bool) -> None:
        step.backward(v, adj, pv, wg, careful)

    return forward, backward


# An operation's batched formula that is a NumPy ufunc (or one with a constant): its result
# written straight into the step's rows, the same numbers without a copy.
_INTO: dict = {operator.add: np.add, operator.sub: np.subtract, operator.mul: np.multiply,
               operator.neg: np.negative, np.tanh: np.tanh, np.abs: np.abs,
               ops.RELU.batched: lambda x, out: np.maximum(x, 0.0, out=out)}  # fmt: skip


def _positions_or_slice(positions: np.ndarray) -> slice | None:
    """Positions that follow each other as a slice (a view of the parameters' vector)."""
    if len(positions) and (np.diff(positions) == 1).all():
        return slice(int(positions[0]), int(positions[-1]) + 1)
    return None


class OpStep:
    """``slot = op(v[a], v[b])`` (or ``op(v[a], c)``, ``op(v[a])``): one operation of the
    tape, or many independent ones of the same operation at once (``slot``, ``a``, ``b`` then
    arrays of rows: a layer's relus). ``stop``: the gradient stops here (no_grad, detach)."""

    kind = "op"
    fields = ("slot", "a", "b")  # the slots it reads and writes (renumbered by the program)

    def __init__(self, slot: Any, op: ops.Op, a: Any, b: Any, c: float | None, stop: bool):
        self.slot, self.op, self.a, self.b, self.c, self.stop = slot, op, a, b, c, stop
        many = isinstance(slot, np.ndarray)
        self.unique_a = not many or len(set(a.tolist())) == len(a)
        self.unique_b = b is None or not many or len(set(b.tolist())) == len(b)

    def forward(self, v: np.ndarray, pv: np.ndarray) -> None:
        if self.b is not None:
            v[self.slot] = self.op.batched(v[self.a], v[self.b])
        elif self.c is not None:
            v[self.slot] = self.op.batched(v[self.a], self.c)
        else:
            v[self.slot] = self.op.batched(v[self.a])

    def backward(
        self, v: np.ndarray, adj: np.ndarray, pv: np.ndarray, wg: np.ndarray, careful: bool
    ) -> None:
        if self.stop:
            return
        g = adj[self.slot]
        if self.b is None:
            d = self.op.rule(am, v[self.a], None, v[self.slot], self.c)
            add(adj, self.a, times(d, g, careful), self.unique_a)
            return
        da, db = self.op.rule(am, v[self.a], v[self.b], v[self.slot], None)
        add(adj, self.a, times(da, g, careful), self.unique_a)
        add(adj, self.b, times(db, g, careful), self.unique_b)

    def bind(self, v: np.ndarray, adj: np.ndarray | None, pv: np.ndarray,
             wg: np.ndarray) -> tuple:  # fmt: skip
        """(forward(), backward(careful)) on these arrays, their rows taken as views once (the
        replay keeps its arrays between calls): no indexing left at each call."""
        out, a = view(v, self.slot), view(v, self.a)
        b = None if self.b is None else view(v, self.b)
        if out is None or a is None or (self.b is not None and b is None):
            return unbound(self, v, adj, pv, wg)
        batched, rule, c = self.op.batched, self.op.rule, self.c
        into = _INTO.get(batched)  # the same ufunc, written into the step's rows
        if into is not None:
            second = b if b is not None else c

            def forward() -> None:
                if second is None:
                    into(a, out=out)
                else:
                    into(a, second, out=out)
        elif b is not None:

            def forward() -> None:
                out[...] = batched(a, b)
        elif c is not None:

            def forward() -> None:
                out[...] = batched(a, c)
        else:

            def forward() -> None:
                out[...] = batched(a)

        if adj is None or self.stop:
            return forward, None
        g, adj_a = adj[self.slot], adj[self.a]
        adj_b = None if self.b is None else adj[self.b]

        def backward(careful: bool) -> None:
            if careful:
                return self.backward(v, adj, pv, wg, True)
            if adj_b is None:
                adj_a[...] += times(rule(am, a, None, out, c), g, False)
                return None
            da, db = rule(am, a, b, out, None)
            adj_a[...] += times(da, g, False)
            adj_b[...] += times(db, g, False)
            return None

        return forward, backward

    def reads(self) -> list[int]:
        rows = [self.a] if self.b is None else [self.a, self.b]
        return [int(r) for x in rows for r in np.atleast_1d(x)]

    def writes(self) -> list[int]:
        return [int(s) for s in np.atleast_1d(self.slot)]


class SumStep:
    """``slot = Σ v[plain] + Σ v[left]·v[right]``: a tree of ``+`` over products (a neuron's
    ``b + w0·x0 + w1·x1 + ...`` with inputs that vary per sample), in a handful of calls.
    ``params``: when every product is of two parameters (an L2 penalty's ``Σ w·w``), their
    positions among the parameters (left, right), read from ``pv`` rather than from rows: the
    same number for every sample, and no row to fill or to sum the adjoints of."""

    kind = "sum"
    fields = ("slot", "plain", "left", "right")

    def __init__(self, slot: int, plain: np.ndarray, left: np.ndarray, right: np.ndarray,
                 params: tuple[np.ndarray, np.ndarray] | None = None) -> None:  # fmt: skip
        self.slot, self.plain, self.left, self.right = slot, plain, left, right
        self.params = params
        # Each of the three is added to the adjoints by its own statement: a row may appear in
        # two of them (w·w: left and right), only a repeat within one needs np.add.at.
        self.unique = [len(set(x.tolist())) == len(x) for x in (plain, left, right)]
        if params is not None:
            self.unique += [len(set(x.tolist())) == len(x) for x in params]
        self.plains, self.products = len(plain) > 0, len(left) > 0

    def forward(self, v: np.ndarray, pv: np.ndarray) -> None:
        total = v[self.plain].sum(axis=0)
        if self.products:
            total += (v[self.left] * v[self.right]).sum(axis=0)
        if self.params is not None:
            left, right = self.params
            total += (pv[left] * pv[right]).sum()
        v[self.slot] = total

    def backward(
        self, v: np.ndarray, adj: np.ndarray, pv: np.ndarray, wg: np.ndarray, careful: bool
    ) -> None:
        g = adj[self.slot]
        if self.plains:
            add(adj, self.plain, g, self.unique[0])
        if self.products:
            add(adj, self.left, times(v[self.right], g, careful), self.unique[1])
            add(adj, self.right, times(v[self.left], g, careful), self.unique[2])
        if self.params is not None:
            left, right = self.params
            total = g.sum()  # the parameters are the same in every column
            for rows, other, unique in ((left, right, self.unique[3]),
                                        (right, left, self.unique[4])):  # fmt: skip
                terms = times(pv[other], total, careful)
                if unique:
                    wg[rows] += terms
                else:
                    np.add.at(wg, rows, np.broadcast_to(terms, rows.shape))

    def bind(self, v: np.ndarray, adj: np.ndarray | None, pv: np.ndarray,
             wg: np.ndarray) -> tuple:  # fmt: skip
        """(forward(), backward(careful)): a sum of parameter products alone (an L2 penalty's
        Σ w·w) with its parameters read as views when their positions follow each other."""
        out = view(v, self.slot)
        if self.params is None or self.plains or self.products or out is None:
            return unbound(self, v, adj, pv, wg)
        left, right = (_positions_or_slice(x) for x in self.params)
        if left is None or right is None:
            return unbound(self, v, adj, pv, wg)
        p_left, p_right, w_left, w_right = pv[left], pv[right], wg[left], wg[right]

        def forward() -> None:
            out[...] = (p_left * p_right).sum()

        if adj is None:
            return forward, None
        g = adj[self.slot]

        def backward(careful: bool) -> None:
            total = g.sum()
            w_left[...] += times(p_right, total, careful)
            w_right[...] += times(p_left, total, careful)

        return forward, backward

    def reads(self) -> list[int]:
        return np.concatenate([self.plain, self.left, self.right]).tolist()

    def writes(self) -> list[int]:
        return [self.slot]


class LayerStep:
    """``Z = W X + b``: weighted sums whose weights are parameters (the same for every sample),
    over the same inputs ``right``: one neuron (``W`` one row) or a whole layer. ``positions``:
    each weight's index among the parameters (W = pv[positions]), for their gradients ``G Xᵀ``;
    ``bias``: each bias's index among them when the biases are parameters (else ``plain``, the
    rows of the terms added). ``grad_right``: whether the inputs need their adjoints ``Wᵀ G``
    (not when no parameter is upstream of them: a first layer's inputs are data).

    When the positions form a grid (row i holds start + i·stride + j: nn's neurons, each
    weight vector then its bias), W and b are views of the parameters' vectors, neither
    gathered nor scattered: on a digits batch of MLP(64, [32, 10]) the gather and the
    scatter-add of the 2,048 first-layer weights cost more than the matrix products."""

    kind = "layer"
    fields = ("slots", "plain", "right")

    def __init__(self, slots: np.ndarray, plain: np.ndarray | None, positions: np.ndarray,
                 right: np.ndarray, bias: np.ndarray | None = None) -> None:  # fmt: skip
        self.slots, self.plain, self.positions, self.right = slots, plain, positions, right
        self.bias = bias
        self.grad_right = True
        self._w: Any = None  # how W and b are read: set by ``place``
        self._b: Any = None

    def place(self, n: int) -> None:
        """Choose views for W and b, given the number ``n`` of parameters."""
        r, c = self.positions.shape
        start = int(self.positions[0, 0])
        stride = int(self.positions[1, 0]) - start if r > 1 else c
        grid = start + stride * np.arange(r)[:, None] + np.arange(c)
        if stride >= c and start + r * stride <= n and np.array_equal(self.positions, grid):
            self._w = (slice(start, start + r * stride), (r, stride), c)
        if self.bias is not None:
            first = int(self.bias[0])
            step = int(self.bias[1]) - first if r > 1 else 1
            if step > 0 and np.array_equal(self.bias, first + step * np.arange(r)):
                self._b = slice(first, first + step * (r - 1) + 1, step)

    def _weights(self, p: np.ndarray) -> np.ndarray:
        if self._w is None:
            return p[self.positions]
        block, shape, c = self._w
        return p[block].reshape(shape)[:, :c]

    def forward(self, v: np.ndarray, pv: np.ndarray) -> None:
        z = self._weights(pv) @ v[self.right]
        if self.bias is None:
            z += v[self.plain]
        else:
            z += pv[self.bias if self._b is None else self._b][:, None]
        v[self.slots] = z

    def backward(
        self, v: np.ndarray, adj: np.ndarray, pv: np.ndarray, wg: np.ndarray, careful: bool
    ) -> None:
        g = adj[self.slots]
        if self.grad_right:
            adj[self.right] += matmul(self._weights(pv).T, g, careful)
        if self.bias is None:
            adj[self.plain] += g
        elif self._b is None:
            wg[self.bias] += g.sum(axis=1)
        else:
            wg[self._b] += g.sum(axis=1)
        terms = matmul(v[self.right], g.T, careful).T  # w's derivative: its x
        if self._w is None:
            wg[self.positions] += terms
        else:  # a view of wg (contiguous: the replay makes it with np.zeros), added in place
            self._weights(wg)[...] += terms

    def bind(self, v: np.ndarray, adj: np.ndarray | None, pv: np.ndarray,
             wg: np.ndarray) -> tuple:  # fmt: skip
        """(forward(), backward(careful)) on these arrays: W, b, the inputs and the outputs
        (and their adjoints) as views taken once, when the layer's rows and weights allow."""
        x, z = view(v, self.right), view(v, self.slots)
        plain = None if self.bias is not None else view(v, self.plain)
        if x is None or z is None or self._w is None or (self.bias is None and plain is None):
            return unbound(self, v, adj, pv, wg)
        if self.bias is not None and self._b is None:
            return unbound(self, v, adj, pv, wg)
        w = self._weights(pv)
        b = plain if plain is not None else pv[self._b][:, None]

        def forward() -> None:
            np.matmul(w, x, out=z)
            np.add(z, b, out=z)

        if adj is None:
            return forward, None
        g, w_grad, grad_right = adj[self.slots], self._weights(wg), self.grad_right
        adj_x = adj[self.right]
        b_grad = adj[self.plain] if plain is not None else wg[self._b]

        def backward(careful: bool) -> None:
            if careful:
                return self.backward(v, adj, pv, wg, True)
            if grad_right:
                adj_x[...] += w.T @ g
            if plain is not None:
                b_grad[...] += g
            else:
                b_grad[...] += g.sum(axis=1)
            w_grad[...] += (x @ g.T).T  # w's derivative: its x
            return None

        return forward, backward

    def reads(self) -> list[int]:
        if self.plain is None:
            return [int(r) for r in self.right]
        return np.concatenate([self.plain, self.right]).tolist()

    def writes(self) -> list[int]:
        return self.slots.tolist()
