"""What `make demo` shows until the viz package lands: the engine at work on the classic graph."""

from autograd import Value

a, b = Value(2.0, "a"), Value(1.0, "b")
c = a + b
c.label = "c"
d = b + 1
d.label = "d"
e = c * d
e.label = "e"
e.backward()

print("e = (a + b) * (b + 1) at a = 2, b = 1")
for node in (a, b, c, d, e):
    print(f"  {node.label}: data = {node.data:g}, grad = d(e)/d({node.label}) = {node.grad:g}")
print("edges and their local derivatives:")
for node in (c, d, e):
    for parent, local in zip(node.parents, node.local_grads):
        name = parent.label or f"{parent.data:g}"
        print(f"  d({node.label})/d({name}) = {local:g}")
