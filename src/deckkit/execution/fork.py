"""Kernels forked from one warm process.

Every deck runs in a fresh interpreter, and on a two-core laptop most of a fresh kernel's
start is spent importing: ipykernel itself and, for these decks, PyTorch (seconds each).  A
``KernelFork`` is a process that imports those once, ahead of the build, and then forks one
kernel per deck: the child is a new process with an empty namespace, its own working folder,
environment, session, and a fresh random seed, in which ipykernel starts exactly as
``python -m ipykernel_launcher -f <connection file>`` would — only its imports are done.

Only libraries that do not look for a running IPython shell when imported are imported in the
fork (FORKABLE): numpy and torch are plain compute libraries, while matplotlib.pyplot and
ipywidgets hook into the shell that imports them, so the kernel imports those itself, as it
always has (the fork imports what pyplot draws with: BASES).  Forking needs Linux's fork():
elsewhere (macOS forbids it once some libraries are loaded), and whenever the fork cannot
start, kernels are started the usual way.

``python -m deckkit.execution.fork`` is the forking process; it speaks one JSON object per
line on its stdin and stdout and exits when its stdin closes (deckkit ended), and each kernel
it forks ends when it does (ipykernel's parent poller)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

from .. import jsonlines

FORKABLE = ("numpy", "torch", "scipy", "pandas", "sklearn")
# pyplot hooks into the shell that imports it; what it draws with does not, and is most of its
# import time: a fork imports that, and the kernel's own import of pyplot is quick
BASES = {"matplotlib.pyplot": "matplotlib.backends.backend_agg"}
START_TIMEOUT = 120  # seconds for the fork's imports: beyond that, kernels start as usual
REPLY_TIMEOUT = 30   # seconds for one fork() reply (ms when well): beyond that the fork is ended


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def forkable(modules) -> tuple[str, ...]:
    """The modules of ``modules`` (as imported_modules gives them) a fork may import, or the
    part of one that it may (BASES)."""
    found = (BASES.get(m, m) for m in modules)
    return tuple(dict.fromkeys(m for m in found if m in BASES.values()
                               or m.split(".")[0] in FORKABLE))


def declared_preloads(name: str) -> tuple[str, ...]:
    """What module ``name`` declares it imports lazily (a top-level ``PRELOAD_MODULES`` tuple
    of names, as deckkit.demos has), read from its source without importing it."""
    import ast
    import importlib.util

    root = name.split(".")[0]
    if "." in name and root not in sys.modules:
        return ()  # finding a submodule would import its package here
    try:
        spec = importlib.util.find_spec(name)
        source = spec.loader.get_source(name) if spec and spec.loader else None
        tree = ast.parse(source or "")
    except (ImportError, ValueError, SyntaxError, AttributeError):
        return ()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "PRELOAD_MODULES" for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return ()
            return tuple(v for v in value if isinstance(v, str))
    return ()


class ForkError(RuntimeError):
    pass


_RUNNING: dict[str, KernelFork] = {}   # the open forks of this process, by id


class KernelFork:
    """The forking process, started at once with ``env`` added to deckkit's environment (the
    thread limits the kernels share: a library reads them when it is first imported, so every
    kernel forked from here has them) and importing ``modules``.  fork() is safe from several
    threads; close() ends the process."""

    def __init__(self, env: dict | None = None, modules: tuple[str, ...] = ()):
        self.env = dict(os.environ, DECKKIT_BUILD="1", **(env or {}))
        # what ipykernel would set itself: matplotlib, imported by a kernel, reads it there
        self.env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        # a child cannot use CUDA once its parent has initialised it ("Cannot re-initialize
        # CUDA in forked subprocess", measured on an H100: benchmarks/fork_cuda.py); asking
        # whether a GPU is there initialises it, unless torch asks NVML instead.  Only the fork
        # has this: each kernel gets the environment deckkit gives it.
        self.env["PYTORCH_NVML_BASED_CUDA_CHECK"] = "1"
        self.limits = dict(env or {})
        # the fork, the kernels' parent, writes each one's exit status here when it reaps it
        self.statuses = Path(tempfile.mkdtemp(prefix="deckkit-kernel-exits-"))
        # how a kernelspec names this fork to the provisioner (execution/provisioner.py)
        self.id = uuid.uuid4().hex
        _RUNNING[self.id] = self
        self._lock = threading.Lock()
        self._ready = False
        self._broken: str | None = None
        self._process = subprocess.Popen(
            [sys.executable, "-m", "deckkit.execution.fork"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=self.env, close_fds=True)
        self._send({"preload": list(modules)})

    @property
    def pid(self) -> int:
        return self._process.pid

    def matches(self, cmd: list[str], env: dict | None) -> bool:
        """Whether a kernel launched as ``cmd`` with ``env`` may be forked from here: the
        same Python running ipykernel, with the same thread limits."""
        if self._broken or len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
            return False
        if os.path.abspath(cmd[0]) != os.path.abspath(sys.executable):
            return False  # (not realpath: another virtual environment links the same binary)
        env = env if env is not None else os.environ
        return all(env.get(k) == v for k, v in self.limits.items())

    def fork(self, argv: list[str], env: dict, cwd: str) -> int:
        """A new kernel process (its pid): ipykernel started with ``argv``; its exit status
        will be in ``status_file(pid)``."""
        with self._lock:
            if self._broken:
                raise ForkError(self._broken)
            try:
                if not self._ready:
                    self._wait_ready()
                self._send({"argv": argv, "env": env, "cwd": str(cwd),
                            "statuses": str(self.statuses)})
                reply = self._receive_within(REPLY_TIMEOUT)
            except (OSError, ValueError, ForkError) as exc:
                self._broken = f"the kernel fork stopped ({exc})"
                raise ForkError(self._broken) from None
            if "pid" not in reply:
                raise ForkError(reply.get("error", "no kernel forked"))
            return reply["pid"]

    def status_file(self, pid: int) -> Path:
        return self.statuses / str(pid)

    def _wait_ready(self) -> None:
        reply = self._receive_within(START_TIMEOUT)
        if not reply.get("ready"):
            raise ForkError(reply.get("error", "it did not start"))
        self._ready = True

    def _send(self, message: dict) -> None:
        try:
            jsonlines.send(self._process.stdin, message)
        except OSError as exc:
            self._broken = f"the kernel fork stopped ({exc})"

    def _receive_within(self, seconds: float) -> dict:
        """The fork's next reply; a fork silent for ``seconds`` is ended (a stuck fork would
        hold every kernel start of the build), and its kernels start the usual way."""
        timer = threading.Timer(seconds, self._process.kill)
        timer.start()
        try:
            line = self._process.stdout.readline()
        finally:
            timer.cancel()
        if not line:
            raise ForkError(f"it exited or gave no reply within {seconds:g} s")
        return jsonlines.parse(line)

    def close(self) -> None:
        """End the forking process (kernels still running end with it)."""
        _RUNNING.pop(self.id, None)
        with self._lock:
            self._broken = self._broken or "closed"
            for stream in (self._process.stdin, self._process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            shutil.rmtree(self.statuses, ignore_errors=True)


class Forked:
    """A forked kernel as jupyter_client's provisioner sees a Popen: it is the fork's child,
    not ours, so it is watched through psutil; the fork reaps it when it ends and writes its
    exit status to ``status`` (as Popen gives it: the code, or minus the signal that ended
    it)."""

    stdin = stdout = stderr = None
    STATUS_WAIT = 2.0   # seconds an ended kernel's status may take to be written

    def __init__(self, pid: int, status: Path | None = None):
        import psutil

        self.pid = pid
        self.status = status
        self.returncode: int | None = None
        try:
            self._process = psutil.Process(pid)
        except psutil.Error:
            self._process = None

    def poll(self) -> int | None:
        import psutil

        if self.returncode is None:
            try:
                gone = self._process is None or not self._process.is_running() or \
                    self._process.status() == psutil.STATUS_ZOMBIE
            except psutil.Error:
                gone = True
            if gone:
                self.returncode = self._exit_status()
        return self.returncode

    def _exit_status(self) -> int:
        """What the fork wrote when it reaped the kernel (it may be a moment behind); 1 when
        nothing is written (the fork ended first): a kernel that ended unasked did not end
        well."""
        import time

        if self.status is None:
            return 1
        deadline = time.monotonic() + self.STATUS_WAIT
        while True:
            try:
                return int(self.status.read_text(encoding="ascii"))
            except (OSError, ValueError):
                if time.monotonic() >= deadline:
                    return 1
                time.sleep(0.02)

    def wait(self, timeout: float | None = None) -> int:
        import psutil

        if self._process is not None and self.poll() is None:
            try:
                self._process.wait(timeout)
            except psutil.NoSuchProcess:
                pass
            except psutil.TimeoutExpired:
                raise subprocess.TimeoutExpired("kernel", timeout) from None
        if self.returncode is None:
            self.returncode = self._exit_status()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        import signal

        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        import signal

        self.send_signal(signal.SIGKILL)


def running(fork_id: str) -> KernelFork | None:
    """The open KernelFork of this process with ``fork_id`` (what the provisioner's
    configuration names), or None."""
    return _RUNNING.get(fork_id)


# --- the forking process -----------------------------------------------------------------

def _serve() -> None:
    import importlib
    import signal
    import warnings

    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher does: a kernel's imports are not from here
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is deckkit's: it closes this
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever an import prints must not reach the replies
    requests = sys.stdin.buffer
    first = jsonlines.parse(requests.readline() or b"{}")
    try:
        import ipykernel.ipkernel  # noqa: F401 (the imports are the point)
        import ipykernel.kernelapp  # noqa: F401
        import ipykernel.zmqshell  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        jsonlines.send(replies, {"error": f"ipykernel does not import: {exc}"})
        return
    for name in forkable(first.get("preload", ())):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (the deck's own import reports it)
            pass
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():
        jsonlines.send(replies, {"error": "an import initialised CUDA, which a forked "
                                          "kernel could then not use"})
        return
    # Python 3.12 warns about forking a process with threads (torch keeps an idle one): the
    # children only start ipykernel, as torch's own DataLoader workers do after a fork
    warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)

    folders: dict[int, str] = {}   # each kernel's pid → where its exit status goes

    def reap(*_):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            folder = folders.pop(pid, None)
            if folder:   # written whole, then renamed: a reader never sees half of it
                try:
                    part = os.path.join(folder, f".{pid}")
                    with open(part, "w", encoding="ascii") as f:
                        f.write(str(os.waitstatus_to_exitcode(status)))
                    os.replace(part, os.path.join(folder, str(pid)))
                except (OSError, ValueError):
                    pass

    signal.signal(signal.SIGCHLD, reap)
    jsonlines.send(replies, {"ready": True})
    for request in jsonlines.each(requests):
        # a kernel that ends at once must find its pid known: SIGCHLD waits until it is
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        try:
            pid = os.fork()
        except OSError as exc:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
            jsonlines.send(replies, {"error": f"fork failed: {exc}"})
            continue
        if pid == 0:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
            replies.close()
            _kernel(request)
        if request.get("statuses"):
            folders[pid] = request["statuses"]
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        jsonlines.send(replies, {"pid": pid})


def _kernel(request: dict) -> None:
    """In the forked child: become the kernel deckkit asked for; never returns."""
    import atexit
    import random
    import signal

    code = 1
    try:
        os.setsid()  # a session of its own, as jupyter_client starts kernels: interrupts
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # reach it and whatever it starts
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.environ.clear()
        os.environ.update(request["env"])
        # ipykernel read JPY_PARENT_PID when the fork imported it: say it here, so the kernel
        # ends when the fork does (which ends when deckkit does)
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        os.chdir(request["cwd"])
        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        sys.argv = [sys.executable, *argv]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


if __name__ == "__main__":
    _serve()
    os._exit(0)  # nothing to flush: skip unloading torch (a second of CPU) at the end
