#!/usr/bin/env python3
"""PyTorch side of the training-throughput benchmark (bench/Subquad.Learn.Bench runs it): the same model as
Subquad.Learn's SequenceModel (linear embedding + learned positions for attention, two pre-RMSNorm layers of mixer and
GELU(tanh) MLP, head), width 64, n = 256, batch 32, forward + backward + clip + AdamW on --threads threads.
Mamba-1 uses a sequential scan in Python (the reference selective_scan_ref form; no fused kernel exists on CPU).
Prints one JSON line: {"attention": tokens_per_second, "mamba": tokens_per_second}.
With --serve it builds both models, prints "ready", then for each stdin line "MIXER STEPS" runs STEPS timed steps and
prints one JSON line {"mixer": ..., "steps": ..., "seconds": ...}: the C# side interleaves its own steps with these so
both see the same machine load (the machine is shared).
"""
import argparse, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F

W, L, B, LAYERS, IN = 64, 256, 32, 2, 65

class RMSNorm(nn.Module):
    def __init__(self, d):
        super().__init__(); self.w = nn.Parameter(torch.ones(d))
    def forward(self, x):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-5) * self.w

class Attention(nn.Module):
    def __init__(self, d):
        super().__init__(); self.qkv = nn.Linear(d, 3 * d); self.o = nn.Linear(d, d)
    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, -1)
        s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        mask = torch.triu(torch.ones(L, L, dtype=torch.bool), 1)
        return self.o(torch.softmax(s.masked_fill(mask, float("-inf")), -1) @ v)

class Mamba(nn.Module):
    def __init__(self, d, n=16, k=4):
        super().__init__()
        e, r = 2 * d, (d + 15) // 16
        self.e, self.n, self.r = e, n, r
        self.in_proj = nn.Linear(d, 2 * e, bias=False)
        self.conv = nn.Conv1d(e, e, k, groups=e, padding=k - 1)
        self.x_proj = nn.Linear(e, r + 2 * n, bias=False)
        self.dt_proj = nn.Linear(r, e)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, n + 1, dtype=torch.float32)).repeat(e, 1))
        self.D = nn.Parameter(torch.ones(e))
        self.out_proj = nn.Linear(e, d, bias=False)
    def forward(self, u):
        x, z = self.in_proj(u).chunk(2, -1)
        x = F.silu(self.conv(x.transpose(1, 2))[..., :L].transpose(1, 2))
        dbc = self.x_proj(x)
        delta = F.softplus(self.dt_proj(dbc[..., :self.r]))
        Bm, Cm = dbc[..., self.r:self.r + self.n], dbc[..., self.r + self.n:]
        A = -torch.exp(self.A_log)
        h = torch.zeros(u.shape[0], self.e, self.n)
        ys = []
        for t in range(L):
            h = torch.exp(delta[:, t, :, None] * A) * h + (delta[:, t] * x[:, t])[..., None] * Bm[:, t, None, :]
            ys.append((h @ Cm[:, t, :, None]).squeeze(-1) + self.D * x[:, t])
        return self.out_proj(torch.stack(ys, 1) * F.silu(z))

class Model(nn.Module):
    def __init__(self, mixer):
        super().__init__()
        self.embed = nn.Linear(IN, W)
        self.pos = nn.Parameter(torch.randn(L, W) * 0.02) if mixer == "attention" else None
        self.layers = nn.ModuleList()
        for _ in range(LAYERS):
            self.layers.append(nn.ModuleList([RMSNorm(W), Attention(W) if mixer == "attention" else Mamba(W), RMSNorm(W),
                                              nn.Linear(W, 2 * W), nn.Linear(2 * W, W)]))
        self.norm = RMSNorm(W); self.head = nn.Linear(W, 2)
    def forward(self, u):
        x = self.embed(u)
        if self.pos is not None: x = x + self.pos
        for n1, mix, n2, m1, m2 in self.layers:
            x = x + mix(n1(x))
            x = x + m2(F.gelu(m1(n2(x)), approximate="tanh"))
        return self.head(self.norm(x))

def make_step(mixer):
    model = Model(mixer)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.98), weight_decay=0.1)
    u = torch.randint(0, 2, (B, L, IN)).float() * 2 - 1
    y = torch.randint(0, 2, (B * L,))
    def step():
        opt.zero_grad()
        F.cross_entropy(model(u).reshape(-1, 2), y).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    step()  # warm-up
    return step

def serve():
    import sys
    steps = {}  # built (and warmed up, untimed) on a mixer's first request
    print("ready", flush=True)
    for line in sys.stdin:
        mixer, n = line.split()
        if mixer not in steps: steps[mixer] = make_step(mixer)
        t0 = time.perf_counter()
        for _ in range(int(n)): steps[mixer]()
        print(json.dumps({"mixer": mixer, "steps": int(n), "seconds": time.perf_counter() - t0}), flush=True)

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--steps", type=int, default=5); ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(1)
    if a.serve:
        serve(); return
    out = {}
    for mixer in ("attention", "mamba"):
        model = Model(mixer)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.98), weight_decay=0.1)
        u = torch.randint(0, 2, (B, L, IN)).float() * 2 - 1
        y = torch.randint(0, 2, (B * L,))
        def step():
            opt.zero_grad()
            F.cross_entropy(model(u).reshape(-1, 2), y).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        step()
        t0 = time.perf_counter()
        for _ in range(a.steps): step()
        out[mixer] = a.steps * B * L / (time.perf_counter() - t0)
    print(json.dumps(out))

if __name__ == "__main__":
    main()
