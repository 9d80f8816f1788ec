"""subquad search against FAISS IndexFlatIP and IndexBinaryFlat, side by side, on the same .npy files.

Usage: python3 bench/search_vs_faiss.py SUBQUAD_COMMAND [quick]
Prints one JSON line per measurement and a summary table. Both tools run exact k-nearest search (k = 10):
  dense:  inner product (subquad -p maxip; faiss.IndexFlatIP), float32 rows
  binary: Hamming distance on np.packbits rows (subquad --packed --dim L -p hamming; faiss.IndexBinaryFlat)
Times exclude loading the files: subquad reports its search time in its JSON (time_ms, the search only, in a fresh
process, so its JIT warm-up is included); FAISS is timed around index.search (after index.add). Each tool runs
REPEAT times; the median is reported. Agreement: the fraction of (query, rank) places where both return the same
score (ties may be ordered differently: FAISS does not promise an order among equal scores) and the same index.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import faiss

REPEAT = 3
K = 10


def run_subquad(command, args):
    times = []
    for _ in range(REPEAT):
        out = subprocess.run(command + args + ["--format", "json"], check=True, capture_output=True, text=True).stdout
        doc = json.loads(out)
        assert doc["schema"] == "subquad.search/1"
        times.append(doc["time_ms"] / 1000)
    return statistics.median(times), doc


def run_faiss(index, queries):
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        D, I = index.search(queries, K)
        times.append(time.perf_counter() - start)
    return statistics.median(times), D, I


def agreement(ours_scores, ours_indices, D, I):
    same_score = np.isclose(ours_scores, D, rtol=1e-5, atol=1e-4).mean()
    same_index = (ours_indices == I).mean()
    return float(same_score), float(same_index)


def main():
    command = sys.argv[1].split()
    quick = len(sys.argv) > 2 and sys.argv[2] == "quick"
    n_dense, d = (20000, 128) if quick else (200000, 128)
    n_bits, bits = (50000, 256) if quick else (1000000, 256)
    n_queries = 1000
    threads = os.cpu_count()
    faiss.omp_set_num_threads(threads)
    rng = np.random.default_rng(1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # Dense: Gaussian rows, inner product.
        xb = rng.standard_normal((n_dense, d), dtype=np.float32)
        xq = rng.standard_normal((n_queries, d), dtype=np.float32)
        np.save(f"{tmp}/xb.npy", xb)
        np.save(f"{tmp}/xq.npy", xq)
        t_ours, _ = run_subquad(command, ["search", f"{tmp}/xq.npy", "--corpus", f"{tmp}/xb.npy", "-k", str(K), "-p", "maxip", "-o", f"{tmp}/dense"])
        index = faiss.IndexFlatIP(d)
        index.add(xb)
        t_faiss, D, I = run_faiss(index, xq)
        s, i = agreement(np.load(f"{tmp}/dense/scores.npy"), np.load(f"{tmp}/dense/indices.npy"), D, I)
        rows.append({"case": "dense maxip", "corpus": n_dense, "dim": d, "queries": n_queries, "k": K, "subquad_s": t_ours, "faiss_s": t_faiss,
                     "faiss_over_subquad": t_faiss / t_ours, "same_score": s, "same_index": i, "faiss_index": "IndexFlatIP"})
        print(json.dumps(rows[-1]), flush=True)

        # Binary: packed codes, Hamming distance.
        cb = np.packbits(rng.random((n_bits, bits)) < 0.5, axis=1)
        cq = np.packbits(rng.random((n_queries, bits)) < 0.5, axis=1)
        np.save(f"{tmp}/cb.npy", cb)
        np.save(f"{tmp}/cq.npy", cq)
        t_ours, _ = run_subquad(command, ["search", f"{tmp}/cq.npy", "--corpus", f"{tmp}/cb.npy", "--packed", "--dim", str(bits), "-k", str(K), "-p", "hamming", "-o", f"{tmp}/bits"])
        bindex = faiss.IndexBinaryFlat(bits)
        bindex.add(cb)
        t_faiss, D, I = run_faiss(bindex, cq)
        s, i = agreement(np.load(f"{tmp}/bits/scores.npy"), np.load(f"{tmp}/bits/indices.npy"), D, I)
        rows.append({"case": "binary hamming", "corpus": n_bits, "dim": bits, "queries": n_queries, "k": K, "subquad_s": t_ours, "faiss_s": t_faiss,
                     "faiss_over_subquad": t_faiss / t_ours, "same_score": s, "same_index": i, "faiss_index": "IndexBinaryFlat"})
        print(json.dumps(rows[-1]), flush=True)

    print(f"\nthreads {threads}, k = {K}, {n_queries} queries, median of {REPEAT} runs (search only, files loaded)")
    print(f"{'case':16s} {'corpus':>9s} {'dim':>5s} {'subquad s':>10s} {'faiss s':>9s} {'faiss/subquad':>14s} {'same score':>11s} {'same index':>11s}")
    for r in rows:
        print(f"{r['case']:16s} {r['corpus']:9d} {r['dim']:5d} {r['subquad_s']:10.3f} {r['faiss_s']:9.3f} {r['faiss_over_subquad']:14.2f} {r['same_score']:11.4f} {r['same_index']:11.4f}")


if __name__ == "__main__":
    main()
