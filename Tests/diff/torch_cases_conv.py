"""The convolutional layers of the torch differential test (see
torch_diff.py): Conv2d (kernel, stride, padding, bias drawn at random),
MaxPool2d, AvgPool2d, BatchNorm2d (several training batches, then eval) and
a small CNN, each run forward and backward in float64 in nn and in torch:
the outputs, the input's gradient and every parameter's gradient (and
BatchNorm2d's running statistics) are compared."""

import math

from torch_common import Case, flat, lit, num, randn


def pair(p):
    return f"[{p[0]}, {p[1]}]"


def conv_cases(rng, n):
    import torch
    F = torch.nn.functional
    cases = []
    kinds = ["Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm2d", "CNN"]
    for i in range(n * len(kinds)):
        kind = kinds[i % len(kinds)]
        N = rng.randint(1, 3)
        C = rng.randint(1, 3)
        H, W = rng.randint(3, 7), rng.randint(3, 7)
        shape = [N, C, H, W]
        size = math.prod(shape)
        lines = []
        if kind == "Conv2d":
            O = rng.randint(1, 4)
            k = (rng.randint(1, 3), rng.randint(1, 3))
            s = (rng.randint(1, 3), rng.randint(1, 3))
            p = (rng.randint(0, 2), rng.randint(0, 2))
            if (H + 2 * p[0] < k[0]) or (W + 2 * p[1] < k[1]):
                p = (k[0], k[1])
            bias = rng.random() < 0.7
            x0, W0, b0 = randn(rng, size), randn(rng, O * C * k[0] * k[1]), randn(rng, O)
            conv = torch.nn.Conv2d(C, O, k, stride=s, padding=p, bias=bias)
            with torch.no_grad():
                conv.weight.copy_(torch.tensor(W0).reshape(O, C, *k))
                if bias:
                    conv.bias.copy_(torch.tensor(b0))
            x = torch.tensor(x0).reshape(shape).requires_grad_()
            y = conv(x)
            R = randn(rng, y.numel())
            (y * torch.tensor(R).reshape(y.shape)).sum().backward()
            out = flat(y) + flat(x.grad) + flat(conv.weight.grad) + (flat(conv.bias.grad) if bias else [])
            lines += [f"let m = Conv2d({C}, {O}, {pair(k)}, stride: {pair(s)}, padding: {pair(p)}, bias: {str(bias).lower()}, dtype: \"float64\")",
                      f"assign(m.weight, {lit(W0, [O, C, k[0], k[1]])})"]
            if bias:
                lines.append(f"assign(m.bias, {lit(b0)})")
            lines += [f"let x = param({lit(x0, shape)})", "let y = m(x)",
                      f"(y * {lit(R, list(y.shape))}).sum().backward()",
                      "let out = flatten(y).tolist()", "extend(out, flatten(x.grad).tolist())",
                      "extend(out, flatten(m.weight.grad).tolist())"]
            if bias:
                lines.append("extend(out, flatten(m.bias.grad).tolist())")
            desc = f"Conv2d({C}, {O}, {k}, stride {s}, padding {p}, bias {bias}) on {shape}"
        elif kind in ("MaxPool2d", "AvgPool2d"):
            k = (rng.randint(1, min(3, H)), rng.randint(1, min(3, W)))
            s = rng.choice([None, (rng.randint(1, 3), rng.randint(1, 3))])
            x0 = randn(rng, size)
            x = torch.tensor(x0).reshape(shape).requires_grad_()
            f = F.max_pool2d if kind == "MaxPool2d" else F.avg_pool2d
            y = f(x, k, stride=s)
            R = randn(rng, y.numel())
            (y * torch.tensor(R).reshape(y.shape)).sum().backward()
            out = flat(y) + flat(x.grad)
            stride = "" if s is None else f", stride: {pair(s)}"
            lines += [f"let x = param({lit(x0, shape)})", f"let y = {kind}({pair(k)}{stride})(x)",
                      f"(y * {lit(R, list(y.shape))}).sum().backward()",
                      "let out = flatten(y).tolist()", "extend(out, flatten(x.grad).tolist())"]
            desc = f"{kind}({k}, stride {s}) on {shape}"
        elif kind == "BatchNorm2d":
            N = max(N, 2)
            shape = [N, C, H, W]
            size = math.prod(shape)
            eps, mom = rng.choice([1e-5, 1e-3, 0.1]), rng.uniform(0.01, 0.9)
            batches = rng.randint(1, 3)
            W0, b0 = randn(rng, C), randn(rng, C)
            xs = [randn(rng, size, scale=2) for _ in range(batches)]
            Rs = [randn(rng, size) for _ in range(batches)]
            xe = randn(rng, C * H * W)
            bn = torch.nn.BatchNorm2d(C, eps=eps, momentum=mom)
            with torch.no_grad():
                bn.weight.copy_(torch.tensor(W0))
                bn.bias.copy_(torch.tensor(b0))
            lines += [f"let bn = BatchNorm2d({C}, eps: {num(eps)}, momentum: {num(mom)}, dtype: \"float64\")",
                      f"assign(bn.weight, {lit(W0)})", f"assign(bn.bias, {lit(b0)})", "let out = []"]
            out = []
            for j, (xb, Rb) in enumerate(zip(xs, Rs)):
                bn.zero_grad()
                x = torch.tensor(xb).reshape(shape).requires_grad_()
                y = bn(x)
                (y * torch.tensor(Rb).reshape(shape)).sum().backward()
                out += flat(y) + flat(x.grad) + flat(bn.weight.grad) + flat(bn.bias.grad)
                out += flat(bn.running_mean) + flat(bn.running_var)
                lines += ["bn.zero_grad()", f"let x{j} = param({lit(xb, shape)})", f"let y{j} = bn(x{j})",
                          f"(y{j} * {lit(Rb, shape)}).sum().backward()",
                          f"extend(out, flatten(y{j}).tolist())", f"extend(out, flatten(x{j}.grad).tolist())",
                          "extend(out, flatten(bn.weight.grad).tolist())", "extend(out, flatten(bn.bias.grad).tolist())",
                          "extend(out, flatten(bn.running_mean).tolist())", "extend(out, flatten(bn.running_var).tolist())"]
            bn.eval()
            with torch.no_grad():
                out += flat(bn(torch.tensor(xe).reshape(1, C, H, W)))
            lines += ["bn.eval()", f"extend(out, flatten(bn({lit(xe, [1, C, H, W])})).tolist())"]
            desc = f"BatchNorm2d({C}, eps {eps}, momentum {mom:.3g}), {batches} training batches of {shape}, then eval"
        else:   # a small CNN: conv, relu, max pool, conv, avg pool, flatten, linear; cross-entropy
            N = max(N, 2)
            H = W = rng.randint(6, 8)
            shape = [N, C, H, W]
            size = math.prod(shape)
            c1, c2, K = rng.randint(2, 4), rng.randint(2, 4), rng.randint(2, 4)
            m = torch.nn.Sequential(torch.nn.Conv2d(C, c1, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                    torch.nn.Conv2d(c1, c2, 2), torch.nn.AvgPool2d(2, stride=1), torch.nn.Flatten())
            with torch.no_grad():
                feat = m(torch.zeros(1, C, H, W)).shape[1]
            m.append(torch.nn.Linear(feat, K))
            params = {name: randn(rng, t.numel()) for name, t in m.named_parameters()}
            with torch.no_grad():
                for name, t in m.named_parameters():
                    t.copy_(torch.tensor(params[name]).reshape(t.shape))
            x0 = randn(rng, size)
            labels = [rng.randrange(K) for _ in range(N)]
            x = torch.tensor(x0).reshape(shape).requires_grad_()
            y = m(x)
            F.cross_entropy(y, torch.tensor(labels)).backward()
            out = flat(y) + flat(x.grad)
            for name, t in m.named_parameters():
                out += flat(t.grad)
            lines += [f"let m = Sequential(Conv2d({C}, {c1}, 3, padding: 1, dtype: \"float64\"), ReLU(), MaxPool2d(2), "
                      f"Conv2d({c1}, {c2}, 2, dtype: \"float64\"), AvgPool2d(2, stride: 1), Flatten(), Linear({feat}, {K}, dtype: \"float64\"))",
                      "let p = m.named_parameters()"]
            for name, t in m.named_parameters():
                lines.append(f"assign(p[\"{name}\"], {lit(params[name], list(t.shape))})")
            lines += [f"let x = param({lit(x0, shape)})", "let y = m(x)",
                      f"cross_entropy(y, tensor([{', '.join(map(str, labels))}])).backward()",
                      "let out = flatten(y).tolist()", "extend(out, flatten(x.grad).tolist())"]
            for name, _ in m.named_parameters():
                lines.append(f"extend(out, flatten(p[\"{name}\"].grad).tolist())")
            desc = f"CNN on {shape}: Conv2d({C}, {c1}, 3, pad 1), ReLU, MaxPool2d(2), Conv2d({c1}, {c2}, 2), AvgPool2d(2, 1), Linear({feat}, {K})"
        cases.append(Case("conv", desc, "\n".join(lines), out))
    return cases
