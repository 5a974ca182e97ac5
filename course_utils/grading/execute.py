"""Run one notebook in a fresh, sandboxed kernel and report each cell: the grader's worker.

Reads a JSON request on standard input (the notebook and the limits, so the notebook never
lies in a file the kernel could find) and prints one JSON line per executed cell:
``{"index": i, "status": "ok" | "error", "error": null | "ValueError: ..."}``, then a last
line ``{"done": true, "problem": null | "..."}``.

What a submission cannot do to this report:
- write to it: the kernel's standard output and error go to /dev/null and a log file, never to
  this process's stdout, and (sandboxed) it cannot see this process at all;
- hide an error: a cell's status is the kernel protocol's ``execute_reply``, which IPython sets
  to "error" whenever the cell raised, whatever the cell did to the exception display;
- hang it: a cell that outlives its time limit is interrupted, and one that ignores the
  interrupt (or sits in a C call) gets its kernel killed, as does a notebook over its limit;
- flood it: outputs other than errors are dropped as they arrive.

    python -I .../course_utils/grading/execute.py < request.json   (run by path: see below)
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient


def _load_sandbox():
    """sandbox.py, loaded by path: importing the package would import torch (seconds, for
    every submission) into a process that only runs a kernel."""
    path = Path(__file__).resolve().with_name("sandbox.py")
    spec = importlib.util.spec_from_file_location("course_utils_grading_sandbox", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


sandbox = _load_sandbox()

GRACE_SECONDS = 10  # after an interrupt, how long a cell gets to stop before its kernel dies
MAX_MESSAGE_BYTES = 32 << 20  # larger kernel messages are dropped, never read
SETUP_SECONDS = 120  # the grader's own set-up cell (it imports torch): not the student's limit


def _is_setup(cell) -> bool:
    return bool(cell.get("metadata", {}).get("grading_setup"))


def _error_of(cell, reply: dict | None) -> str | None:
    """The cell's error as "Name: message", or None: the protocol's status decides."""
    content = (reply or {}).get("content", {})
    shown = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if content.get("status") == "ok" and not shown:
        return None
    source = content if content.get("ename") else (shown[0] if shown else {})
    message = str(source.get("evalue", "")).strip().splitlines()
    return f"{source.get('ename') or 'Error'}: {message[0][:300] if message else ''}"


class _LimitedKernelClient(AsyncKernelClient):
    """Drops any message over MAX_MESSAGE_BYTES: a submission that prints a gigabyte in one go
    cannot make this process hold it. (The cell's status still arrives on the shell channel.)"""

    def _context_default(self) -> zmq.asyncio.Context:
        context = super()._context_default()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        return context


class _GraderClient(NotebookClient):
    """Keeps error outputs only: a submission that prints a gigabyte costs nothing here."""

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] != "error":
            return None
        return super().output(outs, msg, display_id, cell_index)


def _kernel_spec(spec_dir: Path, argv: list[str]) -> KernelSpecManager:
    kernel = spec_dir / "kernels" / "grading"
    kernel.mkdir(parents=True)
    spec = {
        "argv": argv,
        "display_name": "grading",
        "language": "python",
        "interrupt_mode": "message",  # the kernel interrupts itself: no signal to the sandbox
    }
    (kernel / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return KernelSpecManager(kernel_dirs=[str(spec_dir / "kernels")])


def _prepare_home(home: Path) -> None:
    """The kernel's home: empty but for matplotlib's font list (rebuilding it costs seconds)."""
    cache = Path.home() / ".cache" / "matplotlib"
    for font_list in cache.glob("fontlist-*.json"):
        target = home / ".cache" / "matplotlib"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(font_list, target)


def run(request: dict) -> None:
    nb = nbformat.reads(request["notebook"], as_version=4)
    cell_timeout, notebook_timeout = request["cell_timeout"], request["notebook_timeout"]
    use_sandbox = request.get("sandbox", True)
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    never = float("inf")  # the clocks start when the kernel is up and when a cell starts
    started, cell_started, deadline_hit = [never], [never], threading.Event()

    def emit(record: dict) -> None:
        print(json.dumps(record), flush=True)

    def on_cell_start(cell, cell_index):
        # the watchdog kills a cell's kernel GRACE_SECONDS after its limit
        cell_started[0] = time.monotonic() + (SETUP_SECONDS - cell_timeout) * _is_setup(cell)

    def report(cell, cell_index, execute_reply):
        cell_started[0] = never
        error = _error_of(cell, execute_reply)
        emit({"index": cell_index, "status": "error" if error else "ok", "error": error})

    with tempfile.TemporaryDirectory(prefix="grading-") as tmp:
        tmp = Path(tmp)
        workdir, home, runtime = tmp / "work", tmp / "home", tmp / "run"
        for folder in (workdir, home, runtime):
            folder.mkdir()
        os.chmod(tmp, 0o755)
        _prepare_home(home)
        if use_sandbox:
            config = sandbox.SandboxConfig(
                workdir=str(workdir),
                home=str(home),
                runtime=str(runtime),
                readonly=request["readonly"],
                uid=61000 + int(request.get("slot", 0)),
                memory_bytes=int(request.get("memory_bytes", 6 << 30)),
                cpu_seconds=int(notebook_timeout * 2),
            )
            argv = sandbox.kernel_argv(sandbox.write_config(config, tmp / "sandbox.json"), kernel)
        else:
            argv = kernel
        km = AsyncKernelManager(  # async: nbclient's polling must not block its event loop
            kernel_name="grading",
            kernel_spec_manager=_kernel_spec(tmp / "spec", argv),
            transport="ipc",  # unix sockets in the work folder: no network needed
            ip=str(runtime / "kernel"),
        )
        km.connection_file = str(runtime / "connection.json")
        km.client_factory = _LimitedKernelClient
        env = {k: v for k, v in os.environ.items()}
        env.update(request.get("env", {}))
        env["COURSE_RESULTS"] = ""  # a graded submission never writes the course's results
        env["HOME"] = str(home)
        log = open(tmp / "kernel.log", "wb")

        def watchdog():
            while not deadline_hit.wait(0.5):
                now = time.monotonic()
                late_cell = now - cell_started[0] > cell_timeout + GRACE_SECONDS
                if now - started[0] > notebook_timeout or late_cell:
                    deadline_hit.set()
                    pid = getattr(km.provisioner, "pid", None) if km.provisioner else None
                    if pid:
                        try:
                            os.killpg(pid, signal.SIGKILL)  # the kernel and all it started
                        except (ProcessLookupError, PermissionError):
                            pass

        client = _GraderClient(
            nb,
            km=km,
            timeout_func=lambda cell: SETUP_SECONDS if _is_setup(cell) else cell_timeout,
            interrupt_on_timeout=True,  # an endless loop costs one cell, not the notebook
            allow_errors=True,  # a failing cell is recorded, and the next one still runs
            resources={"metadata": {"path": str(workdir)}},
            on_cell_execute=on_cell_start,
            on_cell_executed=report,
            on_notebook_start=lambda notebook: started.__setitem__(0, time.monotonic()),
            startup_timeout=120,  # the kernel's start-up does not count against the limits
        )
        threading.Thread(target=watchdog, daemon=True).start()
        problem = None
        try:
            client.execute(env=env, stdout=subprocess.DEVNULL, stderr=log, cwd=str(workdir))
        except Exception as err:  # DeadKernelError, a kernel that never started, ...
            if deadline_hit.is_set():
                late = time.monotonic() - started[0] > notebook_timeout
                problem = (
                    f"the notebook ran out of time ({notebook_timeout} s)"
                    if late
                    else f"a cell ran past its {cell_timeout} s and ignored the interrupt"
                )
                problem += "; its kernel was stopped and later cells were not run"
            elif type(err).__name__ == "DeadKernelError":
                problem = (
                    "the kernel died (the notebook exited or crashed); later cells were not run"
                )
            else:
                problem = f"the kernel stopped: {type(err).__name__}: {str(err)[:200]}"
        finally:
            deadline_hit.set()
            log.close()
            try:
                run_sync(km.shutdown_kernel)(now=True)  # nbclient leaves a km it was given
            except Exception:  # already dead: nothing to shut down
                pass
        emit({"done": True, "problem": problem})


def main() -> None:
    run(json.loads(sys.stdin.read()))


if __name__ == "__main__":
    main()
