#!/usr/bin/env python3
"""Writes PyTorch fixtures for Subquad.Learn's mixers: weights, input, a seed gradient, and PyTorch's output and
gradients (input and every parameter), one JSON file per mixer, into the folder given as argv[1].

Each mixer is written here independently from the C# code, in plain torch ops and the *naive* form named in
/work/shared/ALTERNATIVES.md (dense masked attention, the quadratic linear-attention oracle, a Python-loop
selective scan, the delta rule with (I - beta k k^T)); F.conv1d checks the causal-conv convention. Layouts match
the C# side: a linear weight is [in, out] and y = x @ W + b; a batch is [B*L, D].
Usage: mixer_fixtures.py OUT_DIR [float32|float64]
"""
import json, math, os, sys
import torch
import torch.nn.functional as F

B, L = 2, 6

def param(gen, dtype, rows, cols, scale=0.5, offset=0.0):
    return (torch.randn(rows, cols, generator=gen, dtype=torch.float64) * scale + offset).to(dtype).requires_grad_(True)

def causal_conv(x, w, b):
    # x [B*L, C] -> depthwise Conv1d(groups=C, padding=K-1) truncated to the first L outputs.
    c, k = w.shape
    xt = x.reshape(B, L, c).transpose(1, 2)
    y = F.conv1d(xt, w.unsqueeze(1), b.reshape(-1), padding=k - 1, groups=c)[..., :L]
    return y.transpose(1, 2).reshape(B * L, c)

def heads_view(t, h):
    d = t.shape[1] // h
    return t.reshape(B, L, h, d).transpose(1, 2)  # B, H, L, d

def attention(p, x, cfg):
    D, H, W = cfg["width"], cfg["heads"], cfg.get("window")
    qkv = x @ p["wqkv"] + p["bqkv"]
    q, k, v = (qkv[:, i * D:(i + 1) * D] for i in range(3))
    if cfg.get("qk_norm"):
        # QK-norm: RMSNorm over all D columns of q and of k (eps 1e-5 inside the root), times learned gains.
        q = q / torch.sqrt((q * q).mean(dim=1, keepdim=True) + 1e-5) * p["q_norm"]
        k = k / torch.sqrt((k * k).mean(dim=1, keepdim=True) + 1e-5) * p["k_norm"]
    q, k, v = (heads_view(t, H) for t in (q, k, v))
    d = D // H
    s = q @ k.transpose(-1, -2) / math.sqrt(d)
    i = torch.arange(L).reshape(L, 1)
    j = torch.arange(L).reshape(1, L)
    mask = (j > i) | ((j < i - W + 1) if W else torch.zeros(L, L, dtype=torch.bool))
    s = s.masked_fill(mask, float("-inf"))
    y = torch.softmax(s, dim=-1) @ v
    y = y.transpose(1, 2).reshape(B * L, D)
    return y @ p["wo"] + p["bo"]

def taylor(t, h):
    f = t.shape[1] // h
    t = t.reshape(B * L, h, f)
    ones = torch.ones(B * L, h, 1, dtype=t.dtype)
    quad = (t.unsqueeze(-1) * t.unsqueeze(-2)).flatten(-2) / (math.sqrt(2) * math.sqrt(f))
    return torch.cat([ones, t / f ** 0.25, quad], dim=-1)  # B*L, H, F

def based(p, x, cfg):
    D, H = cfg["width"], cfg["heads"]
    u = causal_conv(x, p["conv_w"], p["conv_b"])
    fq, fk = taylor(u @ p["wq"], H), taylor(u @ p["wk"], H)
    v = (u @ p["wv"]).reshape(B * L, H, D // H)
    fq = fq.reshape(B, L, H, -1).transpose(1, 2)
    fk = fk.reshape(B, L, H, -1).transpose(1, 2)
    v = v.reshape(B, L, H, -1).transpose(1, 2)
    a = torch.tril(fq @ fk.transpose(-1, -2))  # the quadratic oracle
    eps = torch.tensor(1e-6, dtype=torch.float32).to(x.dtype)
    y = (a @ v) / (a.sum(-1, keepdim=True) + eps)
    y = y.transpose(1, 2).reshape(B * L, D)
    return y @ p["wo"]

def mamba(p, u, cfg):
    E, N = 2 * cfg["width"], cfg["state_dim"]
    R = (cfg["width"] + 15) // 16
    xz = u @ p["in_proj"]
    x, z = xz[:, :E], xz[:, E:]
    x = F.silu(causal_conv(x, p["conv_w"], p["conv_b"]))
    dbc = x @ p["x_proj"]
    delta = F.softplus(dbc[:, :R] @ p["dt_proj_w"] + p["dt_proj_b"])
    Bm, Cm = dbc[:, R:R + N], dbc[:, R + N:]
    A = -torch.exp(p["A_log"])
    ys = []
    for b in range(B):
        h = torch.zeros(E, N, dtype=u.dtype)
        for t in range(L):
            r = b * L + t
            h = torch.exp(delta[r].unsqueeze(1) * A) * h + (delta[r] * x[r]).unsqueeze(1) * Bm[r].unsqueeze(0)
            ys.append(h @ Cm[r] + p["D"].reshape(-1) * x[r])
    y = torch.stack(ys)
    return (y * F.silu(z)) @ p["out_proj"]

def deltanet(p, x, cfg):
    D, H = cfg["width"], cfg["heads"]
    d = D // H
    u = causal_conv(x, p["conv_w"], p["conv_b"])
    def l2(t):
        t = t.reshape(B * L, H, d)
        return t / torch.sqrt((t * t).sum(-1, keepdim=True) + 1e-6)
    q, k = l2(F.silu(u @ p["wq"])), l2(F.silu(u @ p["wk"]))
    v = (u @ p["wv"]).reshape(B * L, H, d)
    beta = torch.sigmoid(u @ p["w_beta"] + p["b_beta"])
    alpha = torch.sigmoid(u @ p["w_alpha"] + p["b_alpha"])
    out = [[None] * H for _ in range(B * L)]
    eye = torch.eye(d, dtype=x.dtype)
    for b in range(B):
        for hh in range(H):
            S = torch.zeros(d, d, dtype=x.dtype)
            for t in range(L):
                r = b * L + t
                kk, bb, aa = k[r, hh], beta[r, hh], alpha[r, hh]
                S = aa * (eye - bb * torch.outer(kk, kk)) @ S + bb * torch.outer(kk, v[r, hh])
                out[r][hh] = S.t() @ q[r, hh] / math.sqrt(d)
    o = torch.stack([torch.cat(row) for row in out])
    return o @ p["wo"]

def shapes(kind, cfg):
    D, H = cfg["width"], cfg["heads"]
    if kind in ("attention", "window", "attention-qknorm"):
        extra = {"q_norm": (1, D), "k_norm": (1, D)} if cfg.get("qk_norm") else {}
        return {"wqkv": (D, 3 * D), "bqkv": (1, 3 * D), "wo": (D, D), "bo": (1, D), **extra}
    if kind == "based":
        f = cfg["feature_dim"]
        return {"conv_w": (D, 3), "conv_b": (1, D), "wq": (D, H * f), "wk": (D, H * f), "wv": (D, D), "wo": (D, D)}
    if kind == "mamba":
        E, N, R = 2 * D, cfg["state_dim"], (D + 15) // 16
        return {"in_proj": (D, 2 * E), "conv_w": (E, 4), "conv_b": (1, E), "x_proj": (E, R + 2 * N), "dt_proj_w": (R, E),
                "dt_proj_b": (1, E), "A_log": (E, N), "D": (1, E), "out_proj": (E, D)}
    if kind == "deltanet":
        return {"conv_w": (D, 4), "conv_b": (1, D), "wq": (D, D), "wk": (D, D), "wv": (D, D), "w_beta": (D, H), "b_beta": (1, H),
                "w_alpha": (D, H), "b_alpha": (1, H), "wo": (D, D)}
    raise ValueError(kind)

# Offsets keep the inputs where the reference initialisation puts them (Mamba: A_log near ln(1..N), a small
# positive delta; DeltaNet: a decay near 1).
OFFSETS = {"q_norm": (0.3, 1.0), "k_norm": (0.3, 1.0), "A_log": (0.3, 0.7), "dt_proj_b": (0.3, -2.0), "b_alpha": (0.3, 2.0), "D": (0.3, 1.0)}
FORWARD = {"attention": attention, "attention-qknorm": attention, "window": attention, "based": based, "mamba": mamba, "deltanet": deltanet}
CONFIGS = {
    "attention": {"width": 8, "heads": 2},
    "window": {"width": 8, "heads": 2, "window": 3},
    "based": {"width": 8, "heads": 2, "feature_dim": 3},
    "mamba": {"width": 8, "heads": 1, "state_dim": 20},  # 20: a whole Vector512 chunk plus a scalar tail (float32 16 + 4, float64 8 + 8 + 4)
    "deltanet": {"width": 8, "heads": 2},
    "attention-qknorm": {"width": 8, "heads": 2, "qk_norm": True},
}

def main():
    out = sys.argv[1]
    dtype = torch.float64 if len(sys.argv) > 2 and sys.argv[2] == "float64" else torch.float32
    os.makedirs(out, exist_ok=True)
    for n, (kind, cfg) in enumerate(CONFIGS.items()):
        gen = torch.Generator().manual_seed(1000 + n)
        p = {name: param(gen, dtype, r, c, *OFFSETS.get(name, (0.5, 0.0))) for name, (r, c) in shapes(kind, cfg).items()}
        x = param(gen, dtype, B * L, cfg["width"], 1.0)
        y = FORWARD[kind](p, x, cfg)
        g = torch.randn(y.shape, generator=gen, dtype=torch.float64).to(dtype)
        (y * g).sum().backward()
        t = lambda v: {"rows": v.shape[0], "cols": v.shape[1], "data": v.detach().reshape(-1).tolist()}
        doc = {"mixer": kind, "torch": torch.__version__, "dtype": str(dtype).replace("torch.", ""), "batch": B, "length": L, "config": cfg,
               "params": {k: t(v) for k, v in p.items()}, "x": t(x), "seed_grad": t(g), "y": t(y),
               "grads": {**{k: t(v.grad) for k, v in p.items()}, "x": t(x.grad)}}
        with open(os.path.join(out, f"{kind}.json"), "w") as fh:
            json.dump(doc, fh)

if __name__ == "__main__":
    main()
