"""Where the cores sit idle: a command's process tree sampled every half second.

Usage: .venv/bin/python bench/cpu_timeline.py [--every 0.5] [--window 5] [--cores N] -- COMMAND...

Runs COMMAND and reads, for each thread of each process in its tree, the time it ran on a
core and the time it waited for one while runnable (/proc/PID/task/TID/schedstat, Linux only),
every `--every` seconds. Their sum is the cores the tree wanted: on a machine shared with other
jobs a process waits for a core where the tree's own structure would have kept it busy, so
"wanted" shows the idle cores that are the program's doing (a process blocked on a pipe or a
lock wants nothing), and "ran" what it got. One row per `--window` seconds, split by depth in
the tree (for bench/build_speed.py: d1 is the build's main process, d2 its workers), then a
summary: wall, CPU, mean cores wanted, the share of the wall during which the tree wanted
fewer than 1.5 cores, an estimate of the wall on free cores, and the CPU at each depth. A
thread that ends between two samples loses its last interval, so the figures are lower
bounds (a pool's workers live for the whole phase, so this matters little).
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

# (seconds since start, {(pid, thread id): (depth in the tree, seconds on a core, seconds
# waiting for one)})
Sample = tuple[float, dict[tuple[int, int], tuple[int, float, float]]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=0.5, help="seconds between samples")
    parser.add_argument("--window", type=float, default=5.0, help="seconds per printed row")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1,
                        help="cores of the quiet machine the summary estimates a wall for")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("no command to run")
    print(report(sample(command, options.every), options.window, options.cores))


def sample(command: list[str], every: float) -> list[Sample]:
    """The scheduler's times of every process of `command`'s tree, every `every` seconds until
    it ends; the command's output goes to stderr."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=sys.stderr)
    samples = []
    while child.poll() is None:
        samples.append((time.perf_counter() - started, _tree_times(child.pid)))
        time.sleep(every)
    samples.append((time.perf_counter() - started, {}))
    if child.returncode:
        raise SystemExit(f"the command failed with exit code {child.returncode}")
    return samples


def report(samples: list[Sample], window: float, cores: int) -> str:
    """One row per window (cores wanted and cores run, in all and per depth), then the
    summary."""
    rows, ran, wanted, low, quiet = [], 0.0, 0.0, 0.0, 0.0
    ran_by_depth: dict[int, float] = defaultdict(float)
    start = 0.0
    window_ran: dict[int, float] = defaultdict(float)
    window_wanted: dict[int, float] = defaultdict(float)
    for (before_t, before), (after_t, after) in itertools.pairwise(samples):
        interval = 0.0
        for thread, (depth, on_core, waiting) in after.items():
            # a thread new since the last sample (its times start at 0) spent them all
            _, on_before, waiting_before = before.get(thread, (depth, 0.0, 0.0))
            window_ran[depth] += on_core - on_before
            ran_by_depth[depth] += on_core - on_before
            window_wanted[depth] += on_core - on_before + waiting - waiting_before
            ran += on_core - on_before
            interval += on_core - on_before + waiting - waiting_before
        wanted += interval
        if interval / (after_t - before_t) < 1.5:
            low += after_t - before_t
        if after_t - start >= window or not after:
            length = after_t - start
            depths = "  ".join(f"d{depth} {window_wanted[depth] / length:4.2f}/"
                               f"{window_ran[depth] / length:4.2f}"
                               for depth in sorted(window_wanted))
            rows.append(f"{after_t:7.1f} s  wanted/ran {sum(window_wanted.values()) / length:4.2f}/"
                        f"{sum(window_ran.values()) / length:4.2f} cores  {depths}")
            quiet += quiet_wall(length, sum(window_wanted.values()), sum(window_ran.values()),
                                cores)
            start = after_t
            window_ran, window_wanted = defaultdict(float), defaultdict(float)
    wall = samples[-1][0]
    rows.append(f"wall {wall:.1f} s, CPU {ran:.1f} s, mean {wanted / wall:.2f} cores wanted "
                f"({ran / wall:.2f} ran), under 1.5 cores wanted {100 * low / wall:.0f}% "
                f"of the wall; on {cores} free cores about {quiet:.0f} s; CPU by depth "
                + ", ".join(f"d{depth} {cpu:.1f} s" for depth, cpu in sorted(ran_by_depth.items())))
    return "\n".join(rows)


def quiet_wall(length: float, wanted: float, ran: float, cores: int) -> float:
    """How long a window's work (`ran` CPU seconds, `wanted` core-seconds wanted, over
    `length` seconds) would take if the tree got every core it wanted, up to `cores`: an
    estimate that takes the work to progress with the CPU it gets. A window in which the
    tree wanted nothing (it slept or waited for input and output) keeps its length."""
    if wanted <= 0.01 * length:
        return length
    return ran / min(max(wanted, ran) / length, cores)


def _tree_times(root: int) -> dict[tuple[int, int], tuple[int, float, float]]:
    """Depth in the tree, seconds on a core and seconds waiting for one, of each thread
    (pid, thread id) of `root` and its descendants."""
    children, threads = defaultdict(list), {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # every thread's: a process's own file counts its main thread only
            times = {int(task.name): [int(field) / 1e9 for field in
                                      (task / "schedstat").read_text().split()[:2]]
                     for task in (entry / "task").iterdir()}
        except OSError:
            continue  # ended since the listing
        children[int(stat[stat.rindex(")") + 2:].split()[1])].append(int(entry.name))
        threads[int(entry.name)] = times
    tree, frontier = {}, [(root, 0)]
    while frontier:
        pid, depth = frontier.pop()
        for thread, (on_core, waiting) in threads.get(pid, {}).items():
            tree[(pid, thread)] = (depth, on_core, waiting)
        frontier += [(child, depth + 1) for child in children[pid]]
    return tree


if __name__ == "__main__":
    main()
