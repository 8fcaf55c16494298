#!/usr/bin/python3
"""faiss_search.py CODES QUERIES BITS K THREADS [REPEATS]

FAISS's IndexBinaryFlat (exact Hamming k-NN, Debian python3-faiss) on the same raw code files as
the library's search benchmark: adds the codes, sets the thread count, searches every query for
its K nearest, best of REPEATS runs. Prints one JSON object: the seconds of the best run, and the
distances found per query (for the benchmark to compare with its own)."""
import json
import sys
import time

import faiss
import numpy as np


def main():
    codes_path, queries_path, bits, k, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    repeats = int(sys.argv[6]) if len(sys.argv) > 6 else 5
    width = bits // 8
    codes = np.fromfile(codes_path, dtype=np.uint8).reshape(-1, width)
    queries = np.fromfile(queries_path, dtype=np.uint8).reshape(-1, width)
    faiss.omp_set_num_threads(threads)
    index = faiss.IndexBinaryFlat(bits)
    index.add(codes)
    best = float("inf")
    distances = None
    for _ in range(repeats):
        start = time.perf_counter()
        distances, _ = index.search(queries, k)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "threads": threads, "version": faiss.__version__,
                      "distances": distances.tolist()}))


if __name__ == "__main__":
    main()
