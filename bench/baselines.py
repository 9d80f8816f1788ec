"""numpy and FAISS baselines for bench/compare.sh: the same .npy files the engine solved, the same problems.

Each baseline prints one JSON line: {"tool", "problem", "n", "seconds", "pair": [i, j], "value"}.
Timings exclude loading, like the engine's (which exclude generation). numpy runs each problem twice and reports
the faster run, as compare.sh runs the engine with --repeat 2 (its first run in a process includes JIT compilation). numpy runs a blocked X @ X.T in float32
(2048-row blocks, upper triangle only where the block is on the diagonal), so it never holds the n x n matrix.
"""
import json
import sys
import time

import numpy as np

REPEAT = 2


def blocks(n, size=2048):
    for start in range(0, n, size):
        yield start, min(n, start + size)


def numpy_extreme(x, scale, maximise):
    """Best pair of (x_i . x_j) * scale_i * scale_j over i < j by blocked float32 GEMM."""
    n = x.shape[0]
    best, pair = (-np.inf if maximise else np.inf), (-1, -1)
    for a0, a1 in blocks(n):
        for b0, b1 in blocks(n):
            if b1 <= a0:
                continue
            s = x[a0:a1] @ x[b0:b1].T
            s *= scale[a0:a1, None]
            s *= scale[None, b0:b1]
            if a0 == b0:  # diagonal block: only i < j counts
                s[np.tril_indices(a1 - a0)] = -np.inf if maximise else np.inf
            k = int(np.argmax(s) if maximise else np.argmin(s))
            v = s.flat[k]
            if (v > best) if maximise else (v < best):
                best, pair = float(v), (a0 + k // s.shape[1], b0 + k % s.shape[1])
    return pair, best


def numpy_has_zero(x):
    n = x.shape[0]
    for a0, a1 in blocks(n):
        for b0, b1 in blocks(n):
            if b1 <= a0:
                continue
            s = x[a0:a1] @ x[b0:b1].T
            if a0 == b0:
                s[np.tril_indices(a1 - a0)] = 1
            hit = np.argwhere(s == 0)
            if len(hit):
                return (a0 + int(hit[0][0]), b0 + int(hit[0][1])), 0.0
    return (-1, -1), None


def report(tool, problem, n, seconds, pair, value):
    print(json.dumps({"tool": tool, "problem": problem, "n": n, "seconds": seconds, "pair": [int(pair[0]), int(pair[1])], "value": value}), flush=True)


def load(path):
    """np.load, tolerating the foundation NpyWriter's UTF-8-encoded magic byte (c2 93 instead of 93), reported upstream."""
    import io
    data = open(path, "rb").read()
    if data.startswith(b"\xc2\x93NUMPY"):
        print(json.dumps({"note": f"{path}: magic written as UTF-8 (c2 93); read after dropping the c2 byte"}), file=sys.stderr)
        data = data[1:]
    return np.load(io.BytesIO(data))


def main():
    path, problems = sys.argv[1], sys.argv[2].split(",")
    raw = load(path)
    n = raw.shape[0]
    binary = raw.dtype in (np.bool_, np.uint8, np.int8) or raw.dtype.kind in "iub"
    x = np.ascontiguousarray(raw, dtype=np.float32)
    norms = np.sqrt((x.astype(np.float64) ** 2).sum(axis=1)).astype(np.float32)
    inv = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-30), 0).astype(np.float32)
    ones = np.ones(n, dtype=np.float32)
    solvers = {
        "msd": lambda: numpy_extreme(x, inv, True),
        "lsd": lambda: numpy_extreme(x, inv, False),
        "maxip": lambda: numpy_extreme(x, ones, True),
        "minip": lambda: numpy_extreme(x, ones, False),
        "ov": lambda: numpy_has_zero(x),
    }
    for problem in problems:
        if problem not in solvers:
            continue
        best = None
        for _ in range(REPEAT):
            t = time.perf_counter()
            pair, value = solvers[problem]()
            elapsed = time.perf_counter() - t
            best = elapsed if best is None else min(best, elapsed)
        report("numpy", problem, n, best, pair, value)

    try:
        import faiss
    except ImportError:
        print(json.dumps({"tool": "faiss", "skipped": "python3-faiss is not installed"}), flush=True)
        return

    faiss.omp_set_num_threads(2)
    if not binary:
        unit = x * inv[:, None]
        for problem in problems:
            t = time.perf_counter()
            if problem == "msd":
                index = faiss.IndexFlatIP(unit.shape[1])
                index.add(unit)
                d, i = index.search(unit, 2)
                # Column 0 is (almost always) the row itself; take the best other neighbour.
                other = np.where(i[:, 0] == np.arange(n), 1, 0)
                sims = d[np.arange(n), other]
                a = int(np.argmax(sims))
                pair, value = (a, int(i[a, other[a]])), float(sims[a])
            elif problem == "lsd":
                d, i = faiss.knn(-unit, unit, 1, faiss.METRIC_INNER_PRODUCT)
                a = int(np.argmax(d[:, 0]))
                pair, value = (a, int(i[a, 0])), float(-d[a, 0])
            else:
                continue
            report("faiss", problem, n, time.perf_counter() - t, sorted(pair), value)
    else:
        # IndexBinaryFlat only knows Hamming distance: timed as the nearest binary anchor (k=2 over all rows).
        packed = np.packbits(raw.astype(np.uint8), axis=1)
        t = time.perf_counter()
        index = faiss.IndexBinaryFlat(packed.shape[1] * 8)
        index.add(packed)
        d, i = index.search(packed, 2)
        report("faiss-hamming", "hamming-k2", n, time.perf_counter() - t, (0, int(i[0, 1])), float(d[0, 1]))


if __name__ == "__main__":
    main()
