"""Stopping processes and what they started: one way, used by the build's stray-process sweep
(stop_left) and by `present` when it shuts JupyterLab and its kernels down (stop_tree)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess


def stop_left(processes, settle: float, grace: float) -> list:
    """Give ``processes`` (psutil.Process) ``settle`` seconds to end by themselves, ask those
    left to terminate, kill whatever is still there ``grace`` seconds later; returns the ones
    that had to be stopped."""
    import psutil

    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.Error:
            continue
    if alive:
        _, alive = psutil.wait_procs(alive, timeout=settle)
    stopped = []
    for process in alive:
        try:
            process.terminate()
            stopped.append(process)
        except psutil.Error:
            continue
    _, left = psutil.wait_procs(stopped, timeout=grace)
    for process in left:
        try:
            process.kill()
        except psutil.Error:
            pass
    return stopped


def kill_group(proc: subprocess.Popen) -> None:
    """Kill ``proc`` and its process group (POSIX: started with start_new_session), or the
    process alone where there are no process groups (Windows: stop_tree ends its tree)."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    proc.wait()


def stop_tree(proc: subprocess.Popen, polite: float = 20, settle: float = 5,
              grace: float = 2) -> None:
    """Stop ``proc`` and every process it started, even those in sessions of their own: SIGTERM
    first (``polite`` seconds to end: a Jupyter server stops its kernels), then its group is
    killed; the rest of its tree gets stop_left's ``settle`` and ``grace``."""
    import psutil

    try:
        tree = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        tree = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=polite)
        except subprocess.TimeoutExpired:
            kill_group(proc)
    stop_left(tree, settle, grace)
