#!/usr/bin/python3
"""A numpy reference for hoplab's standard frame (internal/sim).

It computes what sim.Run.Render draws in the feature view for the plain
Hopfield form of SCIENCE §4 (A = βU, c = 0, G = I, h = 0, P = U):

    scores  z = β U q                       (U: the M×2 unit memories u_μ)
    energy  E(q₀) = ½‖q₀‖² − Ψ*(z(q₀))/β
    update  q ← Uᵀ p,  p = Sep(z(q))        (T updates)
    label   the memory whose u_μ is nearest to q_T, if strictly within the
            tolerance (lowest index on ties), else -1; -2 where the energy
            or q_T is not finite
    support entries of the last p above SupportEps (softmax) or above 0

for every cell of the grid and for each map: softmax, exact 1.5-entmax and
exact sparsemax (sort-based, Peters, Niculae & Martins 2019; Martins &
Astudillo 2016), in float64.

What is vectorised: every operation runs on whole arrays over the grid's
cells (the active ones, see below); there is no Python loop over cells.
Scores and probabilities are (M, cells) arrays, one row per memory, so
that the maps' reductions over the M memories (max, sum, count, the
thresholds' prefix sums) are elementwise operations on rows as long as the
grid, which numpy does far faster than reductions along a short last axis
(np.max along an axis of 8 is about 30 times slower). The maps use np.exp,
np.sort along the memory axis, and in-place ufuncs (out=) where a
temporary would otherwise be allocated. The first step's scores are
computed once and shared by the maps, as Go does. The only Python loops
are over the maps, the T retrieval steps and the M memories (prefix_sums
and weighted_sum say why).

Early exit, Go's rule: a cell stops when its update returns exactly its
input (q' == q in both coordinates) or when p is exactly one-hot on a memory
whose point maps to itself with a one-hot p; its result is then the same as
after all T steps (the update is deterministic). After each step only the
cells still active are kept (boolean compaction), so a map that settles
early costs less, as it does in Go; softmax never settles at β = 20.

Where Go's result is exact, this one is too: the scores, the sparse maps'
p, the updates, the labels and the supports are the same float64 numbers as
Go's (checked cell by cell by internal/sim's TestNumpyReference); sums
over the memory axis of an (M, cells) array add the rows in order, as Go
does. Softmax's exponentials (numpy's exp against Go's portable one, each
within an ulp) may differ in the last bit, so softmax's p and energy agree
to rounding only.

Input (--input FILE, '-' for stdin; without it the standard frame of
internal/sim/bench_test.go: 8 unit memories at 0°, 45°, …, 315°, β = 20,
128×128 on [−1.2, 1.2]², 5 steps, tolerance 1e-3, SupportEps 0.01) is JSON:

    {"points": [[x, y], ...],       # u_μ, M×2 (as Go's Frame.Points)
     "beta": 20, "steps": 5, "tolerance": 1e-3, "supportEps": 0.01,
     "grid": {"nx": 128, "ny": 128, "bounds": [xmin, xmax, ymin, ymax]},
     "maps": ["softmax", "entmax15", "sparsemax"]}

Output: JSON on stdout, {"xs": [...], "ys": [...], "panels": [{"map": name,
"energy": [...], "labels": [...], "support": [...]}, ...]}, cells row-major
(cell (i, j) at (xs[j], ys[i]) is index i·nx + j), NaN energies as null.

--bench N renders one frame to warm up, then N frames, timed with
time.perf_counter, and prints JSON with ns_per_frame (the mean), the
process's CPU time, system time and minor page faults per frame, the
numpy version, and threadpoolctl's view of the BLAS and OpenMP pools with
the BLAS libraries loaded (the frame itself calls no BLAS routine: see
weighted_sum and scores). numpy allocates a temporary per operation; where
page faults are dear, run it with glibc's trim and mmap thresholds raised
(GLIBC_TUNABLES) to time the arithmetic rather than the faults
(BenchmarkStandardFrameNumpy does both).

Run it with Debian's /usr/bin/python3 and python3-numpy.
"""

import argparse
import json
import math
import resource
import sys
import time

import numpy as np

MAPS = ("softmax", "entmax15", "sparsemax")
MIN_NORMAL = 2.0**-1022


def standard_input():
    """The standard frame of internal/sim/bench_test.go, up to the last bit
    of some memories: Go's math.Cos and math.Sin are not the C library's
    (cos(π/2) is 6.123233995736757e-17 in Go, ...766e-17 here). The test
    and the benchmark pass Go's own points (Frame.Points) instead."""
    pts = []
    for i in range(8):
        a = i * math.pi / 4
        x, y = math.cos(a), math.sin(a)
        # Go normalises the memories, then the features (identity map).
        for _ in range(2):
            n = math.sqrt(x * x + y * y)
            x, y = x / n, y / n
        pts.append([x, y])
    return {
        "points": pts,
        "beta": 20.0,
        "steps": 5,
        "tolerance": 1e-3,
        "supportEps": 0.01,
        "grid": {"nx": 128, "ny": 128, "bounds": [-1.2, 1.2, -1.2, 1.2]},
        "maps": list(MAPS),
    }


def scores(ax, ay, qx, qy):
    """z[μ, i] = (β u_μx)·qx[i] + (β u_μy)·qy[i]: shape (M, cells).

    Broadcasting rather than A @ q: two products and a sum, rounded one by
    one, as Go's scores2; a BLAS kernel may fuse them.
    """
    z = ax[:, None] * qx
    z += ay[:, None] * qy
    return z


def prefix_sums(c):
    """np.cumsum(c, axis=0): the same sums, added in the same order.

    Along a first axis of M ≈ 8 np.cumsum is about 15 times slower than
    M − 1 additions of whole rows (numpy 1.24, measured), so the rows are
    added one by one.
    """
    out = np.empty_like(c)
    out[0] = c[0]
    for k in range(1, len(c)):
        np.add(out[k - 1], c[k], out=out[k])
    return out


def softmax(z, want_psi):
    """p = exp(z − max z)/Σ, Ψ* = max z + log Σ exp(z − max z), per cell."""
    m = z.max(axis=0)
    p = z - m
    np.exp(p, out=p)
    s = p.sum(axis=0)
    p *= 1.0 / s
    return p, (m + np.log(s) if want_psi else None)


def sparsemax(z, want_psi):
    """Exact sparsemax per cell: y = z − max z sorted descending,
    k* = max{k : 1 + k y_(k) > Σ_{j≤k} y_(j)} over the candidates y > −1,
    τ = (Σ_{j≤k*} y_(j) − 1)/k*, p = [y − τ]_+,
    Ψ* = max z + ⟨p, y⟩ − ½‖p‖² + ½."""
    m = z.max(axis=0)
    y = z - m
    c = np.sort(y, axis=0)[::-1]
    cum = prefix_sums(c)
    k = np.arange(1, len(z) + 1, dtype=np.float64)[:, None]
    w = k * c
    w += 1
    ok = (w > cum) & (c > -1)  # 1 + k y_(k) > Σ_{j≤k} y_(j)
    np.multiply(ok, k, out=w)
    kstar = w.max(axis=0)  # the largest such k; k = 1 always is
    cstar = np.take_along_axis(cum, kstar.astype(np.intp)[None] - 1, axis=0)[0]
    p = y - (cstar - 1) / kstar
    np.maximum(p, 0.0, out=p)
    if not want_psi:
        return p, None
    dot = np.multiply(p, y, out=w).sum(axis=0)
    sq = np.multiply(p, p, out=w).sum(axis=0)
    return p, m + (dot - 0.5 * sq + 0.5)


def entmax15(z, want_psi):
    """Exact 1.5-entmax per cell: y = (z − max z)/2 sorted descending; for
    k = 1..M mean_k, ms_k the means of y_(j), y_(j)² over j ≤ k,
    δ_k = (1 − k(ms_k − mean_k²))/k, τ_k = mean_k − √max(δ_k, 0);
    k* = #{k : τ_k ≤ y_(k), y_(k) > −1}, τ = τ_{k*}, p = [y − τ]_+²,
    Ψ* = max z + ⟨p, z − max z⟩ + (1 − Σ p^{3/2})/0.75."""
    m = z.max(axis=0)
    d = z - m
    c = 0.5 * d
    c.sort(axis=0)
    c = c[::-1]
    k = np.arange(1, len(z) + 1, dtype=np.float64)[:, None]
    mean = prefix_sums(c)
    mean /= k
    w = c * c
    v = prefix_sums(w)  # then δ_k, then τ_k, in place
    v /= k
    v -= np.multiply(mean, mean, out=w)
    v *= k
    np.subtract(1, v, out=v)
    v /= k
    np.maximum(v, 0.0, out=v)
    np.sqrt(v, out=v)
    tauk = np.subtract(mean, v, out=v)
    kstar = np.count_nonzero((tauk <= c) & (c > -1), axis=0)
    tau = np.take_along_axis(tauk, kstar[None] - 1, axis=0)[0]
    t = np.multiply(0.5, d, out=w)
    t -= tau
    np.maximum(t, 0.0, out=t)
    p = t * t
    if not want_psi:
        return p, None
    dot = np.multiply(p, d, out=d).sum(axis=0)
    cube = np.multiply(p, t, out=t).sum(axis=0)
    return p, m + dot + (1 - cube) / 0.75


SEPARATIONS = {"softmax": softmax, "entmax15": entmax15, "sparsemax": sparsemax}


def weighted_sum(p, px, py):
    """q' = Σ_μ p_μ u_μ, summed in memory order.

    Go adds the terms in index order, and a cell stops when q' == q exactly,
    so the sum must round as Go's does for the early exit and the labels to
    be Go's. px @ p would hand the order (and fused multiply-adds) to the
    BLAS kernel, which differs between machines; adding the M rows p_μ u_μ
    one by one does not.
    """
    nx = p[0] * px[0]
    ny = p[0] * py[0]
    for mu in range(1, len(p)):
        nx += p[mu] * px[mu]
        ny += p[mu] * py[mu]
    return nx, ny


def one_hot(p):
    """The index μ where p = e_μ exactly, else −1, per cell."""
    hot = np.full(p.shape[1], -1)
    exact = (np.count_nonzero(p, axis=0) == 1) & (p.max(axis=0) == 1)
    hot[exact] = np.argmax(p[:, exact], axis=0)
    return hot


def fixed_points(sep, ax, ay, px, py):
    """fixed[μ]: Sep(z(u_μ)) = e_μ exactly, so u_μ maps to itself."""
    p, _ = sep(scores(ax, ay, px, py), False)
    return one_hot(p) == np.arange(len(px))


def labels(qx, qy, px, py, tol):
    """Go's label2 for every cell: the nearest point by d² = dx² + dy²
    (lowest index on ties) if √d² < tol, else −1; where the smallest d² is
    not a normal finite number, an exact hit keeps its label and otherwise
    the distances are compared by hypot (np.hypot, which may differ from
    Go's math.Hypot in the last bit: a path only for states within about
    1e-154 of a point or beyond about 1e154 of all)."""
    dx = qx - px[:, None]
    dy = qy - py[:, None]
    d2 = dx * dx
    d2 += dy * dy
    lab = np.argmin(d2, axis=0)
    best = np.take_along_axis(d2, lab[None], axis=0)[0]
    out = np.where(np.sqrt(best) < tol, lab, -1)
    odd = ~((best >= MIN_NORMAL) & (best <= sys.float_info.max))
    if odd.any():
        hit = odd & (best == 0) & (qx == px[lab]) & (qy == py[lab])
        scaled = odd & ~hit
        if scaled.any():
            d = np.hypot(dx[:, scaled], dy[:, scaled])
            sl = np.argmin(d, axis=0)
            sd = np.take_along_axis(d, sl[None], axis=0)[0]
            out[scaled] = np.where(sd < tol, sl, -1)
        out[hit] = lab[hit]
    return out.astype(np.int32)


def panel(name, z0, qx0, qy0, half0, model):
    """Energy, labels and support of one map for all cells; z0 are the
    shared first-step scores and half0 = ½‖q₀‖²."""
    sep = SEPARATIONS[name]
    ax, ay, px, py = model["ax"], model["ay"], model["px"], model["py"]
    beta, steps = model["beta"], model["steps"]
    eps = model["eps"] if name == "softmax" else 0.0
    fixed = fixed_points(sep, ax, ay, px, py)

    p, psi = sep(z0, True)
    energy = half0 - psi / beta
    ncell = len(qx0)
    qx, qy = np.empty(ncell), np.empty(ncell)
    support = np.empty(ncell, dtype=np.int32)
    active = None  # indices of the active cells; None: all of them
    cx, cy = qx0, qy0
    for s in range(1, steps + 1):
        nx, ny = weighted_sum(p, px, py)
        if s == steps:
            done = np.ones(len(nx), dtype=bool)
        else:
            hot = one_hot(p)
            done = ((nx == cx) & (ny == cy)) | ((hot >= 0) & fixed[hot])
        if done.any():
            # The cells that stop now: their final state and the support
            # of their last p.
            at = np.flatnonzero(done) if active is None else active[done]
            qx[at], qy[at] = nx[done], ny[done]
            support[at] = np.count_nonzero(p > eps, axis=0)[done]
            keep = ~done
            if not keep.any():
                break
            active = np.flatnonzero(keep) if active is None else active[keep]
            nx, ny = nx[keep], ny[keep]
        cx, cy = nx, ny
        p, _ = sep(scores(ax, ay, cx, cy), False)

    with np.errstate(invalid="ignore", over="ignore"):
        defined = np.isfinite(energy) & np.isfinite(qx) & np.isfinite(qy)
    lab = np.full(ncell, -2, dtype=np.int32)
    lab[defined] = labels(qx[defined], qy[defined], px, py, model["tol"])
    energy = np.where(defined, energy, np.nan)
    support[~defined] = 0
    return energy, lab, support


def prepare(inp):
    """Arrays for one frame: the model, the grid and the query coordinates."""
    pts = np.array(inp["points"], dtype=np.float64).reshape(-1, 2)
    beta = float(inp["beta"])
    g = inp["grid"]
    xmin, xmax, ymin, ymax = (float(v) for v in g["bounds"])
    xs = np.linspace(xmin, xmax, int(g["nx"]))
    ys = np.linspace(ymin, ymax, int(g["ny"]))
    a = beta * pts
    model = {
        "ax": a[:, 0].copy(), "ay": a[:, 1].copy(),
        "px": pts[:, 0].copy(), "py": pts[:, 1].copy(),
        "beta": beta, "steps": int(inp["steps"]),
        "tol": float(inp["tolerance"]), "eps": float(inp["supportEps"]),
        "maps": list(inp.get("maps", MAPS)),
    }
    return model, xs, ys


def frame(model, xs, ys):
    """All panels of the frame: [(name, energy, labels, support)]."""
    qy0, qx0 = np.meshgrid(ys, xs, indexing="ij")
    qx0, qy0 = qx0.ravel(), qy0.ravel()
    z0 = scores(model["ax"], model["ay"], qx0, qy0)  # shared by the maps
    half0 = 0.5 * (qx0 * qx0 + qy0 * qy0)
    return [(name, *panel(name, z0, qx0, qy0, half0, model)) for name in model["maps"]]


def floats(a):
    return [None if not math.isfinite(v) else v for v in a.tolist()]


def blas_info():
    """threadpoolctl's BLAS and OpenMP pools (kernel, threads), and the BLAS
    libraries mapped into the process: the reference BLAS that Debian's
    python3-numpy pulls in by default is not a pool threadpoolctl lists."""
    try:
        import threadpoolctl
        pools = threadpoolctl.threadpool_info()
    except ImportError:
        pools = "threadpoolctl not installed"
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if "blas" in path.rsplit("/", 1)[-1].lower():
                    libs.add(path)
    except OSError:
        pass
    return {"threadpoolctl": pools, "blas_libraries": sorted(libs)}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", help="JSON input file, '-' for stdin (default: the standard frame)")
    ap.add_argument("--bench", type=int, metavar="N", help="time N frames and print ns/frame")
    args = ap.parse_args(argv)
    if args.input is None:
        inp = standard_input()
    elif args.input == "-":
        inp = json.load(sys.stdin)
    else:
        with open(args.input) as f:
            inp = json.load(f)
    model, xs, ys = prepare(inp)

    if args.bench is not None:
        n = max(args.bench, 1)
        frame(model, xs, ys)  # warm-up
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        for _ in range(n):
            frame(model, xs, ys)
        dt = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        json.dump({"frames": n, "ns_per_frame": dt * 1e9 / n,
                   "cpu_ns_per_frame": cpu * 1e9 / n,
                   "sys_ns_per_frame": (r1.ru_stime - r0.ru_stime) * 1e9 / n,
                   "page_faults_per_frame": (r1.ru_minflt - r0.ru_minflt) / n,
                   "numpy": np.__version__, "threadpool": blas_info()}, sys.stdout)
        print()
        return 0

    out = {"xs": xs.tolist(), "ys": ys.tolist(), "panels": []}
    for name, energy, lab, sup in frame(model, xs, ys):
        out["panels"].append({"map": name, "energy": floats(energy),
                              "labels": lab.tolist(), "support": sup.tolist()})
    json.dump(out, sys.stdout, allow_nan=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
