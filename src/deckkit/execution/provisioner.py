"""The kernel provisioner that forks a deck's kernel from a warm KernelFork (fork.py) rather
than starting a fresh interpreter: jupyter_client's provisioner ``deckkit-fork``, registered
the supported way (the ``jupyter_client.kernel_provisioners`` entry point in pyproject.toml)
and chosen the supported way (the kernelspec's ``metadata.kernel_provisioner``, naming the
fork in its ``config``).  A kernel this fork cannot be (another Python, other thread limits)
or a fork that has stopped: the kernel is launched as jupyter_client's local provisioner
launches it."""

from __future__ import annotations

import asyncio
import os

from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Unicode

from .fork import Forked, ForkError, KernelFork, running

NAME = "deckkit-fork"


class ForkProvisioner(LocalProvisioner):
    fork_id = Unicode("", config=True, help="the KernelFork (its id) to fork kernels from")

    async def launch_kernel(self, cmd, **kwargs):
        fork = running(self.fork_id)
        env, cwd = kwargs.get("env"), kwargs.get("cwd") or os.getcwd()
        if fork is not None and fork.matches(cmd, env):
            try:
                pid = await asyncio.to_thread(fork.fork, cmd[3:], dict(env or os.environ),
                                              str(cwd))
            except ForkError:
                pass
            else:
                self.process = Forked(pid, fork.status_file(pid))
                self.pid = self.pgid = pid
                self.cwd = cwd
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)


def choose(km, fork: KernelFork) -> bool:
    """Have ``km`` start its kernel through this provisioner, forked from ``fork``: its
    kernelspec's metadata names it.  False (and ``km`` unchanged) where the entry point is
    not installed (deckkit run from a source tree without `pip install -e .`)."""
    from jupyter_client.provisioning import KernelProvisionerFactory

    spec = km.kernel_spec
    before = dict(spec.metadata or {})
    spec.metadata = dict(before, kernel_provisioner={"provisioner_name": NAME,
                                                     "config": {"fork_id": fork.id}})
    if not KernelProvisionerFactory.instance().is_provisioner_available(spec):
        spec.metadata = before
        return False
    return True
