"""Convolution and pooling ops of the autodiff differential test (see
autodiff_ops.py): a node of the program becomes a one-channel image
`[1, 1, h, w]` (h·w its size), convolved with a filter cut from another node
(`conv2d`, random stride and padding), or pooled (`max_pool2d`,
`avg_pool2d`). A convolution records `unfold` forward; its backward records
`fold`, which the program's second-order derivatives go through."""


def _image(p, a):
    """A shape [1, 1, h, w] for node `a` (h, w >= 1, h·w = a.size), h as
    close to a square as the size allows."""
    n = a.size
    h = max(d for d in range(1, int(n ** 0.5) + 1) if n % d == 0)
    if p.rng.random() < 0.3:
        h = n // h
    return h, n // h


def op_conv(p):
    a = p.pick(lambda n: n.size >= 2)
    if a is None:
        return None
    h, w = _image(p, a)
    kh, kw = p.rng.randint(1, min(h, 3)), p.rng.randint(1, min(w, 3))
    b = p.pick(lambda n: n.size >= kh * kw)
    if b is None:
        return None
    sh, sw = p.rng.randint(1, 2), p.rng.randint(1, 2)
    ph, pw = p.rng.randint(0, 1), p.rng.randint(0, 1)
    m = kh * kw
    nn = (f"conv2d(reshape({a.name}, [1, 1, {h}, {w}]), reshape(flatten({b.name})[0:{m}], [1, 1, {kh}, {kw}]), "
          f"stride: [{sh}, {sw}], padding: [{ph}, {pw}])")
    th = (f"F.conv2d({a.name}.reshape(1, 1, {h}, {w}), {b.name}.reshape(-1)[0:{m}].reshape(1, 1, {kh}, {kw}), "
          f"stride=({sh}, {sw}), padding=({ph}, {pw}))")
    return p.emit("conv2d", nn, th, ["reshape", "index", "unfold", "fold", "matmul"])


def op_pool(p, kind):
    a = p.pick(lambda n: n.size >= 2)
    if a is None:
        return None
    h, w = _image(p, a)
    kh, kw = p.rng.randint(1, min(h, 2)), p.rng.randint(1, min(w, 2))
    sh, sw = p.rng.randint(1, 2), p.rng.randint(1, 2)
    x_nn, x_th = f"reshape({a.name}, [1, 1, {h}, {w}])", f"{a.name}.reshape(1, 1, {h}, {w})"
    if kind == "max":
        # ties would route the gradient by position; the program's values are random floats
        return p.emit("max_pool2d", f"max_pool2d({x_nn}, [{kh}, {kw}], stride: [{sh}, {sw}])",
                      f"F.max_pool2d({x_th}, ({kh}, {kw}), stride=({sh}, {sw}))", ["reshape", "index"])
    return p.emit("avg_pool2d", f"avg_pool2d({x_nn}, [{kh}, {kw}], stride: [{sh}, {sw}])",
                  f"F.avg_pool2d({x_th}, ({kh}, {kw}), stride=({sh}, {sw}))", ["reshape", "unfold", "mean"])
