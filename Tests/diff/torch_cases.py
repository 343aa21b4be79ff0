"""The configurations of the torch differential test (see torch_diff.py):
each generator draws `n` configurations per kind from `rng` and returns
Cases holding the nn code (which leaves its numbers in the list `out`) and
torch's numbers for the same computation, in float64."""

import math

from torch_common import Case, flat, lit, logu, num, randn


# ---------------------------------------------------------------- optimizers

def optimizer_cases(rng, n):
    import torch
    cases = []
    kinds = ["SGD", "Adagrad", "RMSProp", "Adam", "AdamW"]
    for i in range(n * len(kinds)):
        kind = kinds[i % len(kinds)]
        shape = rng.choice([[3], [2, 3], [5]])
        size = math.prod(shape)
        steps = rng.randint(3, 7)
        w0, v0 = randn(rng, size), randn(rng, 2)
        A = [rng.uniform(-1, 1) for _ in range(size)]
        B = [randn(rng, size) for _ in range(steps)]
        C = [randn(rng, 2) for _ in range(steps)]
        lr = logu(rng, 1e-3, 0.3)
        lr2 = logu(rng, 1e-3, 0.3)
        change = rng.randint(1, steps - 1)   # the step from which lr2 is used
        if kind == "SGD":
            mom = rng.choice([0.0, rng.uniform(0.1, 0.99)])
            nesterov = mom > 0 and rng.random() < 0.4
            damp = 0.0 if nesterov or rng.random() < 0.5 else rng.uniform(0, 1)
            wd = rng.choice([0.0, logu(rng, 1e-4, 0.1)])
            h = dict(momentum=mom, dampening=damp, weight_decay=wd, nesterov=nesterov)
            nn_h = f"momentum: {num(mom)}, dampening: {num(damp)}, weight_decay: {num(wd)}, nesterov: {str(nesterov).lower()}"
            make = lambda ps: torch.optim.SGD(ps, lr=lr, **h)
        elif kind == "Adagrad":
            h = dict(lr_decay=rng.choice([0.0, logu(rng, 1e-3, 0.5)]), weight_decay=rng.choice([0.0, logu(rng, 1e-4, 0.1)]),
                     initial_accumulator_value=rng.choice([0.0, rng.uniform(0, 1)]), eps=logu(rng, 1e-10, 1e-3))
            nn_h = ", ".join(f"{k}: {num(v)}" for k, v in h.items())
            make = lambda ps: torch.optim.Adagrad(ps, lr=lr, **h)
        elif kind == "RMSProp":
            h = dict(alpha=rng.uniform(0.5, 0.999), eps=logu(rng, 1e-10, 1e-3), weight_decay=rng.choice([0.0, logu(rng, 1e-4, 0.1)]),
                     momentum=rng.choice([0.0, rng.uniform(0.1, 0.95)]), centered=rng.random() < 0.5)
            nn_h = ", ".join(f"{k}: {str(v).lower() if isinstance(v, bool) else num(v)}" for k, v in h.items())
            make = lambda ps: torch.optim.RMSprop(ps, lr=lr, **h)
        else:
            b1, b2 = rng.choice([0.0, rng.uniform(0.5, 0.99)]), rng.uniform(0.9, 0.9999)
            wd = rng.choice([0.0, logu(rng, 1e-4, 0.1)])
            amsgrad = rng.random() < 0.5
            eps = logu(rng, 1e-10, 1e-3)
            nn_h = f"betas: [{num(b1)}, {num(b2)}], eps: {num(eps)}, weight_decay: {num(wd)}, amsgrad: {str(amsgrad).lower()}"
            cls = torch.optim.Adam if kind == "Adam" else torch.optim.AdamW
            h = dict(betas=(b1, b2), eps=eps, weight_decay=wd, amsgrad=amsgrad)
            make = lambda ps, cls=cls, h=h: cls(ps, lr=lr, **h)
        # torch: the gradient is A * w + B[t]; the second parameter has a
        # gradient only on even steps (a nil gradient is skipped, its step
        # count does not advance).
        w = torch.tensor(w0).reshape(shape).requires_grad_()
        v = torch.tensor(v0).requires_grad_()
        opt = make([w, v])
        out = []
        At = torch.tensor(A).reshape(shape)
        for t in range(steps):
            if t == change:
                for g in opt.param_groups:
                    g["lr"] = lr2
            w.grad = (w.detach() * At + torch.tensor(B[t]).reshape(shape)).clone()
            v.grad = torch.tensor(C[t]) if t % 2 == 0 else None
            opt.step()
            out += flat(w) + flat(v)
        nn = "\n".join([
            f"let w = param({lit(w0, shape)})",
            f"let v = param({lit(v0)})",
            f"let A = {lit(A, shape)}",
            "let B = [" + ", ".join(lit(b, shape) for b in B) + "]",
            "let C = [" + ", ".join(lit(c) for c in C) + "]",
            f"let opt = {kind}([w, v], lr: {num(lr)}, {nn_h})",
            "let out = []",
            f"for t in 0..{steps} {{",
            f"  if t == {change} {{ opt.lr = {num(lr2)} }}",
            "  w.grad = w.detach() * A + B[t]",
            "  v.grad = if t % 2 == 0 { C[t] } else { nil }",
            "  opt.step()",
            "  extend(out, flatten(w).tolist())",
            "  extend(out, flatten(v).tolist())",
            "}",
        ])
        cases.append(Case("optimizer", f"{kind}(lr {lr:.3g} then {lr2:.3g} from step {change}, {nn_h}), {steps} steps",
                          nn, out, scale=1.0))
    return cases


# ----------------------------------------------------------------- schedules

def schedule_cases(rng, n):
    import torch
    cases = []
    kinds = ["StepDecay", "MultiStep", "Exponential", "CosineDecay", "LinearDecay", "Warmup", "WarmupCosine",
             "Transformer", "LambdaLR", "ReduceOnPlateau"]
    for i in range(n * len(kinds)):
        kind = kinds[i % len(kinds)]
        base = rng.choice([0.1, 0.01, 0.3, 1.0, logu(rng, 1e-4, 1)])
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=base)
        metrics = None
        if kind == "StepDecay":
            every, gamma = rng.randint(1, 6), rng.uniform(0.05, 0.99)
            T = rng.randint(5, 30)
            s = torch.optim.lr_scheduler.StepLR(opt, step_size=every, gamma=gamma)
            nn_s = f"StepDecay(opt, {every}, gamma: {num(gamma)})"
        elif kind == "MultiStep":
            ms = sorted(rng.sample(range(1, 25), rng.randint(1, 4)))
            gamma = rng.uniform(0.05, 0.99)
            T = rng.randint(5, 30)
            s = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=ms, gamma=gamma)
            nn_s = f"MultiStep(opt, [{', '.join(map(str, ms))}], gamma: {num(gamma)})"
        elif kind == "Exponential":
            gamma = rng.uniform(0.5, 0.999)
            T = rng.randint(5, 40)
            s = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=gamma)
            nn_s = f"Exponential(opt, {num(gamma)})"
        elif kind == "CosineDecay":
            steps = rng.randint(1, 60)
            mn = rng.choice([0.0, base * rng.uniform(0, 0.5)])
            T = steps + 1   # PyTorch's cosine rises again after T_max; nn holds at min_lr
            s = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=mn)
            nn_s = f"CosineDecay(opt, {steps}, min_lr: {num(mn)})"
        elif kind == "LinearDecay":
            steps = rng.randint(1, 100)
            end = rng.choice([0.0, 0.0, base * rng.uniform(0, 1)])
            T = steps + rng.randint(1, 5)
            s = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1.0, end_factor=end / base, total_iters=steps)
            nn_s = f"LinearDecay(opt, {steps}, end_lr: {num(end)})"
        elif kind == "Warmup":
            steps = rng.randint(1, 30)
            sf = rng.uniform(0.01, 1)
            T = steps + rng.randint(1, 5)
            s = torch.optim.lr_scheduler.LinearLR(opt, start_factor=sf, end_factor=1.0, total_iters=steps)
            nn_s = f"Warmup(opt, {steps}, start_factor: {num(sf)})"
        elif kind == "WarmupCosine":
            steps, cs = rng.randint(1, 20), rng.randint(1, 40)
            sf = rng.uniform(0.01, 1)
            mn = rng.choice([0.0, base * rng.uniform(0, 0.5)])
            T = steps + cs + 1
            s = torch.optim.lr_scheduler.SequentialLR(opt, [
                torch.optim.lr_scheduler.LinearLR(opt, start_factor=sf, end_factor=1.0, total_iters=steps),
                torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cs, eta_min=mn)], milestones=[steps])
            nn_s = f"Warmup(opt, {steps}, then: CosineDecay({num(base)}, {cs}, min_lr: {num(mn)}), start_factor: {num(sf)})"
        elif kind == "Transformer":
            d, wu, sc = rng.choice([64, 128, 512]), rng.randint(1, 40), rng.uniform(0.1, 2)
            T = rng.randint(5, 80)
            for g in opt.param_groups:
                g["lr"] = 1.0
                g["initial_lr"] = 1.0
            f = lambda t, d=d, wu=wu, sc=sc: sc * d ** -0.5 * min(max(t, 1) ** -0.5, max(t, 1) * wu ** -1.5)
            s = torch.optim.lr_scheduler.LambdaLR(opt, f)
            nn_s = f"Transformer(opt, {d}, {wu}, scale: {num(sc)})"
            base = 1.0
        elif kind == "LambdaLR":
            k = rng.uniform(0.8, 0.99)
            T = rng.randint(5, 30)
            s = torch.optim.lr_scheduler.LambdaLR(opt, lambda t, k=k: k ** t / (1 + 0.1 * t))
            nn_s = f"LambdaLR(opt, t => {num(k)} ** t / (1 + 0.1 * t))"
        else:
            mode = rng.choice(["min", "max"])
            tm = rng.choice(["rel", "abs"])
            h = dict(mode=mode, factor=rng.uniform(0.1, 0.9), patience=rng.randint(0, 4),
                     threshold=rng.choice([1e-4, 0.01, 0.1]), threshold_mode=tm, cooldown=rng.randint(0, 3),
                     min_lr=rng.choice([0.0, base * 0.01]), eps=rng.choice([1e-8, 1e-3]))
            T = rng.randint(10, 40)
            levels = [rng.uniform(0.5, 2) for _ in range(4)]
            metrics = [rng.choice(levels) * (1 - 0.01 * t if rng.random() < 0.3 else 1) for t in range(T)]
            s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **h)
            nn_s = "ReduceOnPlateau(opt, " + ", ".join(
                f"{k}: {chr(34) + v + chr(34) if isinstance(v, str) else num(v)}" for k, v in h.items()) + ")"
        out = []
        for t in range(T):
            if metrics is None:
                out.append(opt.param_groups[0]["lr"])
                opt.step()
                s.step()
            else:
                opt.step()
                s.step(metrics[t])
                out.append(opt.param_groups[0]["lr"])
        if metrics is None:
            loop = [f"for t in 0..{T} {{", "  append(out, opt.lr)", "  s.step()", "}"]
        else:
            loop = ["let metrics = [" + ", ".join(num(m) for m in metrics) + "]",
                    "for m in metrics {", "  s.step(m)", "  append(out, opt.lr)", "}"]
        nn = "\n".join([
            f'let opt = SGD([param(zeros([1], dtype: "float64"))], lr: {num(base)})',
            f"let s = {nn_s}",
            "let out = []",
        ] + loop)
        cases.append(Case("schedule", f"{nn_s} with base {base:.4g}, {T} steps", nn, out, scale=base))
    return cases


# -------------------------------------------------------------------- layers

def layer_cases(rng, n):
    import torch
    F = torch.nn.functional
    cases = []
    kinds = ["Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "LogSoftmax", "BatchNorm",
             "LayerNorm", "MLP"]
    for i in range(n * len(kinds)):
        kind = kinds[i % len(kinds)]
        N = rng.randint(2, 6)
        lines = []
        out = []
        if kind in ("Linear", "MLP"):
            fi, fo, bias = rng.randint(1, 5), rng.randint(1, 5), rng.random() < 0.7
            fh = rng.randint(1, 6)
            x0 = randn(rng, N * fi)
            dims = [(fi, fo)] if kind == "Linear" else [(fi, fh), (fh, fo)]
            Ws = [randn(rng, a * b) for a, b in [(o, i_) for i_, o in dims]]
            bs = [randn(rng, o) for _, o in dims]
            R = randn(rng, N * fo)
            x = torch.tensor(x0).reshape(N, fi).requires_grad_()
            layers = [torch.nn.Linear(a, b, bias=bias) for a, b in dims]
            with torch.no_grad():
                for l, W, b, (a, o) in zip(layers, Ws, bs, dims):
                    l.weight.copy_(torch.tensor(W).reshape(o, a))
                    if bias:
                        l.bias.copy_(torch.tensor(b))
            y = layers[0](x) if kind == "Linear" else layers[1](torch.tanh(layers[0](x)))
            (y * torch.tensor(R).reshape(N, fo)).sum().backward()
            out = flat(y) + flat(x.grad)
            for l in layers:
                out += flat(l.weight.grad) + (flat(l.bias.grad) if bias else [])
            mods = [f"Linear({a}, {b}, bias: {str(bias).lower()}, dtype: \"float64\")" for a, b in dims]
            model = mods[0] if kind == "Linear" else f"Sequential({mods[0]}, Tanh(), {mods[1]})"
            lines += [f"let x = param({lit(x0, [N, fi])})", f"let m = {model}"]
            names = [""] if kind == "Linear" else ["layers[0].", "layers[2]."]
            for nm, W, b, (a, o) in zip(names, Ws, bs, dims):
                lines.append(f"assign(m.{nm}weight, {lit(W, [o, a])})")
                if bias:
                    lines.append(f"assign(m.{nm}bias, {lit(b)})")
            lines += ["let y = m(x)", f"(y * {lit(R, [N, fo])}).sum().backward()",
                      "let out = flatten(y).tolist()", "extend(out, flatten(x.grad).tolist())"]
            for nm in names:
                lines.append(f"extend(out, flatten(m.{nm}weight.grad).tolist())")
                if bias:
                    lines.append(f"extend(out, flatten(m.{nm}bias.grad).tolist())")
            desc = f"{kind} {dims} bias {bias}, batch {N}"
        elif kind in ("ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "LogSoftmax"):
            C = rng.randint(1, 5)
            x0 = randn(rng, N * C, scale=rng.choice([1, 3]))
            R = randn(rng, N * C)
            x = torch.tensor(x0).reshape(N, C).requires_grad_()
            arg = ""
            if kind == "ReLU":
                y = F.relu(x)
            elif kind == "LeakyReLU":
                sl = rng.uniform(0, 0.5)
                y, arg = F.leaky_relu(x, sl), f"slope: {num(sl)}"
            elif kind == "Sigmoid":
                y = torch.sigmoid(x)
            elif kind == "Tanh":
                y = torch.tanh(x)
            elif kind == "GELU":
                y = F.gelu(x)
            else:
                ax = rng.choice([0, 1, -1])
                y = (F.softmax if kind == "Softmax" else F.log_softmax)(x, dim=ax)
                arg = f"axis: {ax}"
            (y * torch.tensor(R).reshape(N, C)).sum().backward()
            out = flat(y) + flat(x.grad)
            lines += [f"let x = param({lit(x0, [N, C])})", f"let y = {kind}({arg})(x)",
                      f"(y * {lit(R, [N, C])}).sum().backward()",
                      "let out = flatten(y).tolist()", "extend(out, flatten(x.grad).tolist())"]
            desc = f"{kind}({arg}) on [{N}, {C}]"
        elif kind == "BatchNorm":
            C = rng.randint(1, 4)
            eps, mom = rng.choice([1e-5, 1e-3, 0.1]), rng.uniform(0.01, 0.9)
            batches = rng.randint(1, 4)
            W0, b0 = randn(rng, C), randn(rng, C)
            xs = [randn(rng, N * C, scale=2) for _ in range(batches)]
            Rs = [randn(rng, N * C) for _ in range(batches)]
            xe = randn(rng, 3 * C)
            bn = torch.nn.BatchNorm1d(C, eps=eps, momentum=mom)
            with torch.no_grad():
                bn.weight.copy_(torch.tensor(W0))
                bn.bias.copy_(torch.tensor(b0))
            lines += [f"let bn = BatchNorm({C}, eps: {num(eps)}, momentum: {num(mom)}, dtype: \"float64\")",
                      f"assign(bn.weight, {lit(W0)})", f"assign(bn.bias, {lit(b0)})", "let out = []"]
            for j, (xb, Rb) in enumerate(zip(xs, Rs)):
                bn.zero_grad()
                x = torch.tensor(xb).reshape(N, C).requires_grad_()
                y = bn(x)
                (y * torch.tensor(Rb).reshape(N, C)).sum().backward()
                out += flat(y) + flat(x.grad) + flat(bn.weight.grad) + flat(bn.bias.grad)
                out += flat(bn.running_mean) + flat(bn.running_var)
                lines += ["bn.zero_grad()", f"let x{j} = param({lit(xb, [N, C])})", f"let y{j} = bn(x{j})",
                          f"(y{j} * {lit(Rb, [N, C])}).sum().backward()",
                          f"extend(out, flatten(y{j}).tolist())", f"extend(out, flatten(x{j}.grad).tolist())",
                          "extend(out, flatten(bn.weight.grad).tolist())", "extend(out, flatten(bn.bias.grad).tolist())",
                          "extend(out, flatten(bn.running_mean).tolist())", "extend(out, flatten(bn.running_var).tolist())"]
            bn.eval()
            with torch.no_grad():
                out += flat(bn(torch.tensor(xe).reshape(3, C)))
            lines += ["bn.eval()", f"extend(out, flatten(bn({lit(xe, [3, C])})).tolist())"]
            desc = f"BatchNorm({C}, eps {eps}, momentum {mom:.3g}), {batches} training batches of {N}, then eval"
        else:   # LayerNorm
            shp = rng.choice([[3], [4], [2, 3]])
            sz = math.prod(shp)
            eps, affine = rng.choice([1e-5, 1e-3, 0.1]), rng.random() < 0.7
            x0 = randn(rng, N * sz, scale=2)
            R = randn(rng, N * sz)
            W0, b0 = randn(rng, sz), randn(rng, sz)
            ln = torch.nn.LayerNorm(shp, eps=eps, elementwise_affine=affine)
            if affine:
                with torch.no_grad():
                    ln.weight.copy_(torch.tensor(W0).reshape(shp))
                    ln.bias.copy_(torch.tensor(b0).reshape(shp))
            x = torch.tensor(x0).reshape([N] + shp).requires_grad_()
            y = ln(x)
            (y * torch.tensor(R).reshape([N] + shp)).sum().backward()
            out = flat(y) + flat(x.grad) + (flat(ln.weight.grad) + flat(ln.bias.grad) if affine else [])
            lines += [f"let ln = LayerNorm([{', '.join(map(str, shp))}], eps: {num(eps)}, affine: {str(affine).lower()}, dtype: \"float64\")"]
            if affine:
                lines += [f"assign(ln.weight, {lit(W0, shp)})", f"assign(ln.bias, {lit(b0, shp)})"]
            lines += [f"let x = param({lit(x0, [N] + shp)})", "let y = ln(x)",
                      f"(y * {lit(R, [N] + shp)}).sum().backward()",
                      "let out = flatten(y).tolist()", "extend(out, flatten(x.grad).tolist())"]
            if affine:
                lines += ["extend(out, flatten(ln.weight.grad).tolist())", "extend(out, flatten(ln.bias.grad).tolist())"]
            desc = f"LayerNorm({shp}, eps {eps}, affine {affine}) on batch {N}"
        cases.append(Case("layer", desc, "\n".join(l for l in lines if l), out))
    return cases


# -------------------------------------------------------------------- losses

def loss_cases(rng, n):
    import torch
    F = torch.nn.functional
    cases = []
    kinds = ["mse", "l1", "cross_entropy", "cross_entropy_probs", "binary_cross_entropy", "nll"]
    for i in range(n * len(kinds)):
        kind = kinds[i % len(kinds)]
        red = ["mean", "sum", "none"][(i // len(kinds)) % 3]
        N, C = rng.randint(1, 6), rng.randint(2, 5)
        extra = ""
        if kind in ("mse", "l1"):
            shape = rng.choice([[N], [N, C]])
            sz = math.prod(shape)
            p0, t0 = randn(rng, sz), randn(rng, sz)
            p = torch.tensor(p0).reshape(shape).requires_grad_()
            loss = (F.mse_loss if kind == "mse" else F.l1_loss)(p, torch.tensor(t0).reshape(shape), reduction=red)
            target = lit(t0, shape)
        elif kind.startswith("cross_entropy"):
            shape = [N, C]
            p0 = randn(rng, N * C, scale=2)
            eps = rng.choice([0.0, rng.uniform(0, 0.5)])
            p = torch.tensor(p0).reshape(shape).requires_grad_()
            if kind == "cross_entropy":
                labels = [rng.randrange(C) for _ in range(N)]
                tt = torch.tensor(labels)
                target = lit([float(l) for l in labels])
            else:
                q = torch.softmax(torch.tensor(randn(rng, N * C)).reshape(N, C), dim=1)
                tt = q
                target = lit(flat(q), shape)
            loss = F.cross_entropy(p, tt, label_smoothing=eps, reduction=red)
            extra = f", label_smoothing: {num(eps)}"
        elif kind == "binary_cross_entropy":
            shape = rng.choice([[N], [N, C]])
            sz = math.prod(shape)
            p0 = randn(rng, sz, scale=3)
            t0 = [rng.choice([0.0, 1.0, rng.uniform(0, 1)]) for _ in range(sz)]
            p = torch.tensor(p0).reshape(shape).requires_grad_()
            loss = F.binary_cross_entropy_with_logits(p, torch.tensor(t0).reshape(shape), reduction=red)
            target = lit(t0, shape)
        else:
            shape = [N, C]
            p0 = flat(torch.log_softmax(torch.tensor(randn(rng, N * C)).reshape(N, C), dim=1))
            labels = [rng.randrange(C) for _ in range(N)]
            p = torch.tensor(p0).reshape(shape).requires_grad_()
            loss = F.nll_loss(p, torch.tensor(labels), reduction=red)
            target = lit([float(l) for l in labels])
        R = randn(rng, loss.numel())
        (loss * torch.tensor(R).reshape(loss.shape)).sum().backward()
        out = flat(loss) + flat(p.grad)
        fn = "cross_entropy" if kind.startswith("cross_entropy") else kind
        Rl = lit(R, list(loss.shape)) if loss.dim() > 0 else num(R[0])
        nn = "\n".join([
            f"let p = param({lit(p0, shape)})",
            f"let l = {fn}(p, {target}{extra}, reduction: \"{red}\")",
            f"(l * {Rl}).sum().backward()",
            "let out = flatten(l).tolist()",
            "extend(out, flatten(p.grad).tolist())",
        ])
        cases.append(Case("loss", f"{fn}({shape}{extra}, reduction {red}){' (probabilities)' if kind.endswith('probs') else ''}",
                          nn, out))
    return cases


