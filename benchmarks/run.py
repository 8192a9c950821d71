#!/usr/bin/env python3
"""Benchmarks: gradlab against real PyTorch and hand-written NumPy, in one run.

    python benchmarks/run.py            # full run (about a minute)
    python benchmarks/run.py --quick    # smoke run: fewer, shorter repeats
    python benchmarks/run.py --json results.json

Not a test: nothing here asserts a time.  Every benchmark first checks that the three
implementations compute the same numbers (float32 tolerance); an implementation that computes
something else, or fails, is reported instead of timed.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import platform
import statistics
import sys
import timeit
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

# Measure the checkout this script belongs to, not some installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

IMPLS = ("gradlab", "torch", "numpy")
RTOL, ATOL = 1e-4, 1e-6  # float32 agreement between implementations


def _import(name):
    try:
        return __import__(name), None
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return None, f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------------------------
# Environment
# --------------------------------------------------------------------------------------------

def _openblas_call(suffix: str, *args):
    """Call openblas_<suffix> in the OpenBLAS that NumPy loaded (Linux; None if not found)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol in (f"scipy_openblas_{suffix}64_", f"openblas_{suffix}64_", f"openblas_{suffix}"):
            function = getattr(lib, symbol, None)
            if function is not None:
                return function(*args)
    return None


def numpy_blas_threads() -> int | None:
    """OpenBLAS's thread count for NumPy's BLAS, read from the loaded library."""
    return _openblas_call("get_num_threads")


def set_numpy_blas_threads(n: int) -> bool:
    return _openblas_call("set_num_threads", ctypes.c_int(n)) is not None or \
        numpy_blas_threads() == n


def environment(impl, lib) -> dict:
    """What the process of ``impl`` runs on (each implementation reports its own)."""
    if impl == "numpy":
        blas = np.__config__.CONFIG.get("Build Dependencies", {}).get("blas", {})
        return {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
            "numpy_blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
            "numpy_blas_threads": numpy_blas_threads(),
            "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        }
    if impl == "torch":
        return {"torch": lib.__version__, "torch_threads": lib.get_num_threads()}
    return {"gradlab": getattr(lib, "__version__", "present")}


# --------------------------------------------------------------------------------------------
# Timing and checking
# --------------------------------------------------------------------------------------------

@dataclass
class Entry:
    value: float | None = None
    unit: str = ""
    error: str | None = None

    def cell(self) -> str:
        if self.error:
            return self.error
        return f"{self.value:,.2f} {self.unit}" if self.value is not None else "n/a"


@dataclass
class Config:
    repeats: int
    seconds_per_repeat: float
    gc: bool = True


def calibrated_timer(fn, cfg: Config) -> tuple[timeit.Timer, int]:
    """A timer for fn and the number of calls that make one repeat last about
    cfg.seconds_per_repeat.  Garbage collection stays on unless cfg.gc is off, so the cost of
    freeing cyclic garbage is counted, as in a real program."""
    fn()  # warm-up
    start = timeit.default_timer()
    fn()
    single = max(timeit.default_timer() - start, 1e-7)
    number = max(1, int(cfg.seconds_per_repeat / single))
    return timeit.Timer(fn, setup="import gc; gc.enable()" if cfg.gc else "pass"), number


def peak_bytes_of_one_call(fn) -> int:
    """Peak of memory allocated (and traced by tracemalloc, which sees NumPy's buffers) during
    one call, after a warm-up call."""
    fn()
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - base


def differs(name, got, want) -> str | None:
    """None when every array in `got` matches `want` to float32 tolerance, else why not."""
    if len(got) != len(want):
        return f"{name}: {len(got)} results, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        g = np.asarray(g, dtype=np.float64)
        w = np.asarray(w, dtype=np.float64)
        if g.shape != w.shape:
            return f"{name}: result {i} has shape {g.shape}, expected {w.shape}"
        if not np.allclose(g, w, rtol=RTOL, atol=ATOL):
            return f"{name}: result {i} differs by up to {np.max(np.abs(g - w)):.3g}"
    return None


def to_numpy(t) -> np.ndarray:
    """A tensor of either library as a NumPy array (via tolist, which both libraries have)."""
    if isinstance(t, (np.ndarray, np.generic, float, int)):
        return np.asarray(t)
    return np.asarray(t.tolist(), dtype=np.float32)


# --------------------------------------------------------------------------------------------
# One process per implementation
# --------------------------------------------------------------------------------------------
# Each implementation is timed in a process of its own that imports only its own library, as a
# user's program does. In one shared process, gradlab's garbage collector would also walk the
# ~145,000 Python objects that importing torch creates (one full collection: ~5 ms without
# them, ~85 ms with them), and a chain of ops triggers such collections.

def serve(conn, impl, cfg: Config, threads: int):
    """The worker: answers the parent's requests for ``impl`` until told to stop."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    lib, problem = (np, None) if impl == "numpy" else _import(impl)
    if threads > 0:
        set_numpy_blas_threads(threads)  # the parent reports it when this did not take
    if impl == "torch" and lib is not None and (numpy_blas_threads() or threads > 0):
        lib.set_num_threads(numpy_blas_threads() or threads)  # the same count as NumPy's BLAS
    makers = {key: spec[2] if impl == "numpy" else spec[1] for key, spec in BENCHMARKS.items()}
    steps, timers = {}, {}
    while True:
        request, *args = conn.recv()
        if request == "stop":
            return
        try:
            if lib is None:
                raise RuntimeError(f"unavailable: {problem}")
            if request == "environment":
                reply = environment(impl, lib)
            elif request == "check":  # build the step, return what it computes, warm it up
                key, = args
                step, check = makers[key](lib)
                reply = [to_numpy(r) for r in check()]
                step()
                steps[key] = step
            elif request == "calibrate":
                key, = args
                timers[key] = calibrated_timer(steps[key], cfg)
                reply = None
            elif request == "time":
                timer, number = timers[args[0]]
                reply = timer.timeit(number) / number
            elif request == "peak":
                reply = peak_bytes_of_one_call(steps[args[0]])
            elif request == "scaling":
                reply = per_op_scaling(lib, cfg, *args)
            else:
                raise ValueError(f"unknown request {request!r}")
            conn.send((None, reply))
        except Exception as exc:  # noqa: BLE001 - reported in the table
            conn.send((f"{type(exc).__name__}: {exc}", None))


class Worker:
    """The parent's handle on one implementation's process."""

    def __init__(self, impl, cfg, threads):
        import multiprocessing
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing imported
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, impl, cfg, threads),
                                       daemon=True)
        self.process.start()

    def ask(self, *request):
        """(error or None, reply)"""
        self.conn.send(request)
        return self.conn.recv()

    def stop(self):
        self.conn.send(("stop",))
        self.process.join()


def run_benchmark(title, key, workers, cfg, *, unit, scale, memory=False):
    """Each worker builds benchmark ``key`` (its ``step`` is timed, its ``check`` returns arrays
    that must agree with NumPy's). Returns ({impl: Entry} for time, {impl: Entry} for memory or
    None, notes)."""
    times, mems, notes = {}, {}, []
    reference = None
    passed = []

    def fail(impl, message):
        times[impl] = Entry(error=message)
        mems[impl] = Entry(error=message)

    for impl in ("numpy", "torch", "gradlab"):  # numpy first: it is the reference
        problem, result = workers[impl].ask("check", key)
        if problem:
            fail(impl, problem if problem.startswith("unavailable") else f"unavailable: {problem}")
            continue
        if impl == "numpy":
            reference = result
        else:
            problem = differs(impl, result, reference)
            if problem and impl == "torch":  # then the benchmark itself is wrong
                raise AssertionError(f"{title}: torch and numpy disagree: {problem}")
            if problem:
                fail(impl, f"wrong result: {problem}")
                continue
        passed.append(impl)
    checked = [i for i in passed if i != "numpy"]
    if checked and "numpy" in passed:
        notes.append(f"checked: {', '.join(checked)} agree with numpy "
                     f"(rtol={RTOL}, atol={ATOL}) before timing")

    # Calibrate, then time the repeats interleaved across the implementations (each in its own
    # process, one at a time), so background load affects all of them alike.
    for impl in list(passed):
        problem, _ = workers[impl].ask("calibrate", key)
        if problem:
            fail(impl, f"failed: {problem}")
            passed.remove(impl)
    samples = {impl: [] for impl in passed}
    for _ in range(cfg.repeats):
        for impl in list(samples):
            problem, seconds = workers[impl].ask("time", key)
            if problem:
                fail(impl, f"failed: {problem}")
                del samples[impl]
            else:
                samples[impl].append(seconds)
    for impl, s in samples.items():
        times[impl] = Entry(statistics.median(s) * scale, unit)
        mems[impl] = Entry(None, "")
        if memory and impl != "torch":  # torch's allocator is invisible to tracemalloc
            problem, peak = workers[impl].ask("peak", key)
            mems[impl] = Entry(error=problem) if problem else Entry(peak / 2**20, "MiB")
    print(f"  {title}: " + "; ".join(f"{i} {times[i].cell()}" for i in IMPLS)
          + "".join(f"\n    {n}" for n in notes), flush=True)
    return times, (mems if memory else None), notes


# --------------------------------------------------------------------------------------------
# (a) the guide's first example
# --------------------------------------------------------------------------------------------

def first_example_autograd(lib):
    def step():
        x = lib.tensor([2.0, 3.0], requires_grad=True)  # a fresh leaf every time
        y = x * x + 2
        z = y.sum()
        z.backward()
        return z, x.grad

    return step, lambda: step()


def first_example_numpy(np_):
    def step():
        x = np_.array([2.0, 3.0], dtype=np_.float32)
        y = x * x + 2
        z = y.sum()
        g_y = np_.ones_like(y)  # sum's backward
        g_x = g_y * x + g_y * x  # mul's backward, x being both operands
        return z, g_x

    return step, lambda: step()


# --------------------------------------------------------------------------------------------
# (b) the guide's linear regression (10 epochs, without the print)
# --------------------------------------------------------------------------------------------

def linreg_autograd(lib, epochs=10):
    def step():
        x = lib.tensor([1.0, 2.0, 3.0])
        y_true = lib.tensor([2.0, 4.0, 6.0])
        w = lib.tensor(0.0, requires_grad=True)
        for epoch in range(epochs):
            y_pred = w * x
            loss = ((y_pred - y_true) ** 2).mean()
            loss.backward()
            with lib.no_grad():
                w -= 0.1 * w.grad
                w.grad.zero_()
        return w.item(), loss.item()

    return step, lambda: step()


def linreg_numpy(np_, epochs=10):
    def step():
        x = np_.array([1.0, 2.0, 3.0], dtype=np_.float32)
        y_true = np_.array([2.0, 4.0, 6.0], dtype=np_.float32)
        w = np_.array(0.0, dtype=np_.float32)
        for epoch in range(epochs):
            y_pred = w * x
            diff = y_pred - y_true
            loss = (diff ** 2).mean()
            g_diff = 2 * diff / diff.size  # mean's then pow's backward
            g_w = (g_diff * x).sum()  # mul's backward, broadcast undone
            w = w - 0.1 * g_w
        return float(w), float(loss)

    return step, lambda: step()


# --------------------------------------------------------------------------------------------
# (c) a 784-256-10 MLP training step, batch 128, float32, MSE to a one-hot target, SGD
# --------------------------------------------------------------------------------------------

MLP_LR = 0.01


def mlp_data():
    rng = np.random.default_rng(0)
    f32 = np.float32
    x = rng.standard_normal((128, 784)).astype(f32)
    target = np.eye(10, dtype=f32)[rng.integers(0, 10, 128)]
    params = [
        (rng.standard_normal((784, 256)) * np.sqrt(2 / 784)).astype(f32),
        (rng.standard_normal(256) * 0.1).astype(f32),
        (rng.standard_normal((256, 10)) * np.sqrt(2 / 256)).astype(f32),
        (rng.standard_normal(10) * 0.1).astype(f32),
    ]
    return x, target, params


def mlp_autograd(lib):
    x_np, target_np, params_np = mlp_data()
    x, target = lib.tensor(x_np), lib.tensor(target_np)

    def fresh_params():
        return [lib.tensor(p.copy(), requires_grad=True) for p in params_np]

    def make_step(params):
        w1, b1, w2, b2 = params

        def step():
            h = (x @ w1 + b1).relu()
            out = h @ w2 + b2
            loss = ((out - target) ** 2).mean()
            loss.backward()
            with lib.no_grad():
                for p in params:
                    p -= MLP_LR * p.grad
            grads = [p.grad for p in params]
            for p in params:
                p.grad = None  # what optimizer.zero_grad() does by default
            return loss, grads

        return step

    def check():
        params = fresh_params()
        loss, grads = make_step(params)()
        return [loss, *grads, *params]

    step = make_step(fresh_params())
    return (lambda: step() and None), check


def mlp_numpy(np_):
    x, target, params_np = mlp_data()

    def make_step(params):
        def step():
            w1, b1, w2, b2 = params
            z1 = x @ w1 + b1
            h = np_.maximum(z1, 0)
            out = h @ w2 + b2
            diff = out - target
            loss = (diff ** 2).mean()
            g_out = 2 * diff / diff.size
            g_w2 = h.T @ g_out
            g_b2 = g_out.sum(axis=0)
            g_z1 = (g_out @ w2.T) * (z1 > 0)
            g_w1 = x.T @ g_z1
            g_b1 = g_z1.sum(axis=0)
            grads = [g_w1, g_b1, g_w2, g_b2]
            for p, g in zip(params, grads):
                p -= MLP_LR * g
            return loss, grads

        return step

    def check():
        params = [p.copy() for p in params_np]
        loss, grads = make_step(params)()
        return [loss, *grads, *params]

    step = make_step([p.copy() for p in params_np])
    return (lambda: step() and None), check


# --------------------------------------------------------------------------------------------
# (d) a 10,000-step chain: y = y * 1.0001 + 0.0001, then backward
# --------------------------------------------------------------------------------------------

CHAIN_STEPS = 10_000


def chain_autograd(lib):
    def step():
        x = lib.tensor(1.0, requires_grad=True)
        y = x
        for _ in range(CHAIN_STEPS):
            y = y * 1.0001 + 0.0001
        y.backward()
        return y.item(), x.grad

    return step, lambda: step()


def chain_numpy(np_):
    a, b = np_.float32(1.0001), np_.float32(0.0001)

    def step():
        x = np_.float32(1.0)
        y = x
        tape = []  # the intermediates, as an autograd tape would keep them
        for _ in range(CHAIN_STEPS):
            tape.append(y)
            y = y * a + b
        g = np_.float32(1.0)
        for _ in reversed(tape):
            g = g * a  # d(y*a + b)/dy
        return float(y), g

    return step, lambda: step()


# --------------------------------------------------------------------------------------------
# (e) cost per op as the graph grows, (f) a 1,000,000-op chain
# --------------------------------------------------------------------------------------------

def chain_of(lib, ops):
    """Forward and backward through a chain of ``ops`` ops (two per step, as in (d))."""
    x = lib.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(ops // 2):
        y = y * 1.0001 + 0.0001
    y.backward()
    return x.grad


def per_op_scaling(lib, cfg, small=1_000, large=100_000):
    """µs per op (forward + backward) on a chain of ``small`` and of ``large`` ops, GC on.
    The sizes are interleaved round by round, so background load hits both alike."""
    gc.enable()
    chain_of(lib, small)  # warm-up
    repeats_small = max(1, large // small // 4)  # about as long as one large chain
    samples = {small: [], large: []}
    for _ in range(max(3, cfg.repeats // 2)):
        start = timeit.default_timer()
        for _ in range(repeats_small):
            chain_of(lib, small)
        samples[small].append((timeit.default_timer() - start) / repeats_small / small)
        start = timeit.default_timer()
        chain_of(lib, large)
        samples[large].append((timeit.default_timer() - start) / large)
    return {n: statistics.median(v) * 1e6 for n, v in samples.items()}


def scaling_of(workers, small=1_000, large=100_000):
    out = {}
    for impl in ("gradlab", "torch"):
        problem, reply = workers[impl].ask("scaling", small, large)
        out[impl] = {"error": problem} if problem else reply
        if not problem:
            print(f"  (e) per op, {small:,} vs {large:,} ops, {impl}: {reply[small]:.2f} us vs "
                  f"{reply[large]:.2f} us  (x{reply[large] / reply[small]:.2f})", flush=True)
    return out


MILLION_CODE = """
import sys, time
sys.path.insert(0, {root!r})


def peak_mib():  # VmHWM: this process's own peak (ru_maxrss would include the parent's, from fork)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


import numpy as np
impl = {impl!r}
if impl == "torch":
    import torch as lib
    lib.set_num_threads(1)
else:
    import gradlab as lib
lib.tensor(1.0)
base = peak_mib()
start = time.perf_counter()
x = lib.tensor(1.0, requires_grad=True)
y = x
for _ in range({ops} // 2):
    y = y * 1.0001 + 0.0001
y.backward()
seconds = time.perf_counter() - start
peak = peak_mib()
expected = float(np.float32(1.0001)) ** ({ops} // 2)  # the float32 multiplier, N times
assert abs(x.grad.item() - expected) < 1e-2 * expected, (x.grad.item(), expected)
print(seconds, peak - base)
"""


def million_chain(available, ops=1_000_000):
    """Each implementation in a fresh process: seconds for forward + backward, and how much
    the process's peak resident memory grew (MiB, VmHWM; torch's allocator is invisible to
    tracemalloc)."""
    import subprocess
    out = {}
    root = str(Path(__file__).resolve().parents[1])
    for impl in ("gradlab", "torch"):
        if impl not in available:
            out[impl] = {"error": "unavailable"}
            continue
        code = MILLION_CODE.format(root=root, impl=impl, ops=ops)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**os.environ, "OMP_NUM_THREADS": "1"})
        if done.returncode:
            out[impl] = {"error": f"failed: {done.stderr.strip().splitlines()[-1]}"}
            print(f"  (f) {ops:,}-op chain, {impl}: {out[impl]['error']}", flush=True)
            continue
        seconds, mib = map(float, done.stdout.split())
        out[impl] = {"seconds": seconds, "MiB": mib}
        print(f"  (f) {ops:,}-op chain, {impl}: {seconds:.1f} s, peak memory +{mib:.0f} MiB",
              flush=True)
    return out


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def linreg_1000_autograd(lib):
    return linreg_autograd(lib, 1000)


def linreg_1000_numpy(np_):
    return linreg_numpy(np_, 1000)


# key: (title, autograd maker (gradlab and torch), numpy maker, unit, scale, measure memory)
BENCHMARKS = {
    "first_example": ("(a) guide first example, per fwd+bwd", first_example_autograd,
                      first_example_numpy, "us", 1e6, False),
    "linear_regression": ("(b) guide linear regression, per 10-epoch loop", linreg_autograd,
                          linreg_numpy, "us", 1e6, False),
    "linear_regression_1000": ("(b) ... the same, 1,000 epochs, per loop", linreg_1000_autograd,
                               linreg_1000_numpy, "ms", 1e3, False),
    "mlp_step": ("(c) MLP 784-256-10 step, batch 128", mlp_autograd, mlp_numpy, "ms", 1e3, True),
    "chain": ("(d) 10,000-step chain, per fwd+bwd", chain_autograd, chain_numpy, "ms", 1e3, False),
}

TARGETS = [
    # (label, benchmark key, numerator, denominator, target, metric)
    ("guide first example   gradlab/torch time", "first_example", "gradlab", "torch", 0.3, "time"),
    ("guide linear regress. gradlab/torch time", "linear_regression", "gradlab", "torch", 0.3, "time"),
    ("  ... 1,000 epochs    gradlab/torch time", "linear_regression_1000", "gradlab", "torch", 0.3, "time"),
    ("MLP step              gradlab/numpy time", "mlp_step", "gradlab", "numpy", 1.1, "time"),
    ("MLP step       gradlab/numpy peak memory", "mlp_step", "gradlab", "numpy", 1.2, "memory"),
    ("10k chain             gradlab/torch time", "chain", "gradlab", "torch", 0.5, "time"),
]


EXTRA_TARGETS = [
    ("per op, 100k vs 1k ops  gradlab/gradlab", "scaling", "gradlab", "gradlab", 1.25, "us"),
    ("1M-op chain           gradlab/torch time", "million", "gradlab", "torch", 0.5, "seconds"),
    ("1M-op chain    gradlab/torch peak memory", "million", "gradlab", "torch", 1.0, "MiB"),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fast smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    parser.add_argument(
        "--threads", type=int, default=1, metavar="N",
        help="BLAS/intra-op threads for NumPy (OpenBLAS) and torch alike (default 1: on a "
             "small shared machine two thread pools spinning against each other make timings "
             "erratic); 0 keeps NumPy's default and gives torch the same count")
    parser.add_argument("--no-million", action="store_true",
                        help="skip the 1,000,000-op chain (about a minute per implementation)")
    parser.add_argument("--no-gc", action="store_true",
                        help="time with garbage collection off (diagnostic)")
    args = parser.parse_args(argv)
    cfg = Config(3, 0.02) if args.quick else Config(7, 0.2)
    cfg.gc = not args.no_gc

    # Idle OpenMP workers sleep instead of spinning on the cores the other libraries need.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    workers = {impl: Worker(impl, cfg, args.threads) for impl in IMPLS}
    try:
        return report(args, cfg, workers)
    finally:
        for worker in workers.values():
            worker.stop()


def report(args, cfg, workers) -> int:
    env = {}
    for impl in ("numpy", "torch", "gradlab"):
        problem, reply = workers[impl].ask("environment")
        env.update(reply if not problem else {impl: problem})
    env["OMP_WAIT_POLICY"] = os.environ["OMP_WAIT_POLICY"]
    env["mode"] = "quick" if args.quick else "full"
    env["timing"] = (f"median of {cfg.repeats} interleaved repeats of ~{cfg.seconds_per_repeat}s "
                     f"each, gc {'on' if cfg.gc else 'off'}, each implementation in its own process")
    print("environment: " + ", ".join(f"{k}={v}" for k, v in env.items()))
    threads = env.get("numpy_blas_threads")
    if args.threads > 0 and threads != args.threads:
        print(f"  note: could not set NumPy's BLAS threads to {args.threads}")
    if threads is None:
        print("  note: NumPy's BLAS thread count is unknown; torch keeps its own "
              f"({env.get('torch_threads')})")

    results = {}
    print("running:")
    for key, (title, _, _, unit, scale, memory) in BENCHMARKS.items():
        times, mems, notes = run_benchmark(title, key, workers, cfg, unit=unit, scale=scale,
                                           memory=memory)
        results[key] = {"title": title, "time": times, "notes": notes}
        if mems is not None:
            results[key]["memory"] = mems

    rows = []
    for key, r in results.items():
        rows.append((r["title"], [r["time"][i].cell() for i in IMPLS]))
        if "memory" in r:
            rows.append(("    peak memory per step (tracemalloc)",
                         [r["memory"][i].cell() if r["memory"][i].value is not None
                          or r["memory"][i].error else "not traced" for i in IMPLS]))
    width = max(len(t) for t, _ in rows)
    cols = [max(len(i), *(len(c[n]) for _, c in rows)) for n, i in enumerate(IMPLS)]
    cols = [min(c, 40) for c in cols]
    print()
    print(f"{'':{width}}  " + "  ".join(f"{i:>{w}}" for i, w in zip(IMPLS, cols)))
    for title, cells in rows:
        print(f"{title:{width}}  " + "  ".join(
            f"{(c if len(c) <= w else c[:w - 1] + '…'):>{w}}" for c, w in zip(cells, cols)))

    print("running (e) and (f):")
    scaling = scaling_of(workers, large=10_000 if args.quick else 100_000)
    available = [impl for impl in ("gradlab", "torch") if "error" not in scaling[impl]]
    million = million_chain(available, ops=20_000 if args.quick else 1_000_000) \
        if not args.no_million else {}

    def ratio_of(label, key, num, den, metric):
        if key == "scaling":
            r = scaling.get("gradlab", {})
            return None if "error" in r else r[max(r)] / r[min(r)]
        if key == "million":
            a, b = million.get(num, {}), million.get(den, {})
            return a[metric] / b[metric] if metric in a and metric in b and b[metric] else None
        a, b = results[key][metric][num], results[key][metric][den]
        return None if a.value is None or b.value is None else a.value / b.value

    ratios = []
    print("\nratios the project tracks:")
    for label, key, num, den, target, metric in TARGETS + EXTRA_TARGETS:
        ratio = ratio_of(label, key, num, den, metric)
        verdict = "unavailable" if ratio is None else "met" if ratio <= target else "missed"
        ratios.append({"ratio": label, "value": ratio, "target": target, "verdict": verdict})
        shown = f"{ratio:6.3f}" if ratio is not None else "     -"
        print(f"  {label}  {shown}  (target <= {target})  {verdict}")

    errors = {f"{key}/{impl}": r["time"][impl].error
              for key, r in results.items() for impl in IMPLS if r["time"][impl].error}
    if errors:
        print("\nnot measured:")
        for where, error in errors.items():
            print(f"  {where}: {error}")

    if args.json:
        payload = {
            "environment": env,
            "results": {
                key: {
                    "title": r["title"],
                    "notes": r["notes"],
                    "time": {i: asdict(e) for i, e in r["time"].items()},
                    **({"memory": {i: asdict(e) for i, e in r["memory"].items()}}
                       if "memory" in r else {}),
                }
                for key, r in results.items()
            },
            "scaling_us_per_op": {i: {str(k): v for k, v in r.items()} for i, r in scaling.items()},
            "million_chain": million,
            "ratios": ratios,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
