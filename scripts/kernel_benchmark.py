"""Start-up and per-cell overhead of a Jupyter kernel (default: the course's "typescript").

Usage (JUPYTER_PATH=.venv/share/jupyter): .venv/bin/python scripts/kernel_benchmark.py [--kernel NAME] [--runs N] [--json]
Start-up: from launching the kernel process until the reply to the first `1+1` (ready to execute).
Per cell: the median round trip of `1+1` (execute_request → execute_reply), after 3 warm-up cells.
"""
import argparse
import json
import statistics
import time

from jupyter_client.manager import KernelManager


def round_trip(kc, code):
    started = time.perf_counter()
    kc.execute(code)
    reply = kc.get_shell_msg(timeout=60)
    elapsed = time.perf_counter() - started
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content']}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", default="typescript")
    parser.add_argument("--runs", type=int, default=3, help="start-ups measured (the median is reported)")
    parser.add_argument("--cells", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    startups, per_cell = [], []
    for _ in range(args.runs):
        km = KernelManager(kernel_name=args.kernel)
        started = time.perf_counter()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            kc.execute("1+1")
            kc.get_shell_msg(timeout=60)
            startups.append(time.perf_counter() - started)
            for _ in range(3):
                round_trip(kc, "1+1")
            per_cell.extend(round_trip(kc, "1+1") for _ in range(args.cells))
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    report = {
        "kernel": args.kernel,
        "startup_seconds": round(statistics.median(startups), 3),
        "startup_runs": [round(s, 3) for s in startups],
        "per_cell_ms_median": round(statistics.median(per_cell) * 1000, 1),
        "per_cell_ms_p90": round(sorted(per_cell)[int(len(per_cell) * 0.9)] * 1000, 1),
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{args.kernel}: start-up {report['startup_seconds']} s (runs {report['startup_runs']}), "
              f"1+1 per cell {report['per_cell_ms_median']} ms median, {report['per_cell_ms_p90']} ms p90")


if __name__ == "__main__":
    main()
