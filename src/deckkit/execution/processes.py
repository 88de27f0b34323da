"""Stopping what a kernel or a server left running: one way, used by the build's stray-process
sweep and by `present` when it shuts JupyterLab down."""

from __future__ import annotations


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
