"""Run a submission's kernel where it can reach nothing but what the notebook needs.

The grader starts every kernel through this module, in two stages:

    python .../grading/sandbox.py outer CONFIG -- KERNEL ARGV...
        dies with the grader (PR_SET_PDEATHSIG), then execs
    unshare --mount --pid --net --fork --kill-child [--user --map-root-user] \
        python .../grading/sandbox.py inner CONFIG -- KERNEL ARGV...
        in new mount, process and network namespaces: builds a fresh root file system from
        read-only bind mounts of what a kernel needs (the system's programs and libraries, the
        Python installation, the virtual environment, the package's code, the data cache) and
        one writable working directory, pivots into it, drops to an unprivileged user (when
        started as root), sets resource limits, and runs the kernel as its child; when the
        kernel exits, the namespace ends and every process a submission started ends with it.

So a kernel cannot read the solution notebooks, the hidden tests, other submissions or the
grader's output (they are not in its file system), cannot open a network connection (its
network namespace has only a loopback that is down), cannot see the grader's processes (its
own process namespace), and cannot outlive grading. ``available()`` says whether the machine
allows this (Linux with ``unshare``, and root or unprivileged user namespaces); where it does
not, the grader runs kernels without it and every report says so in capitals.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

# Run as a file, not ``-m course_utils...``: the package's __init__ would import torch, twice
# for every kernel started; this module imports nothing of the package at the top.
_ME = [sys.executable, "-I", str(Path(__file__).resolve())]
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38


@dataclass
class SandboxConfig:
    """What one kernel may see and use."""

    workdir: str  # the kernel's working directory (writable, empty)
    home: str  # its HOME (writable)
    runtime: str  # its connection file and sockets (writable)
    readonly: list[str] = field(default_factory=list)  # paths bound read-only at the same place
    uid: int = 61000  # the unprivileged user the kernel runs as (when the grader is root)
    memory_bytes: int = 6 << 30  # address space (RLIMIT_AS): torch alone maps about 1.5 GiB
    processes: int = 256  # RLIMIT_NPROC for the kernel's user: threads count too
    cpu_seconds: int = 1800  # RLIMIT_CPU: a backstop behind the grader's wall-clock limits
    file_bytes: int = 256 << 20  # RLIMIT_FSIZE: the largest file the kernel may write
    open_files: int = 1024


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _prctl(option: int, value: int) -> None:
    if _libc().prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def needed_paths() -> list[str]:
    """The read-only paths a kernel needs: system, Python, venv, this package, its data."""
    import course_utils

    package_root = Path(course_utils.__file__).resolve().parent  # course_utils/ only
    paths = ["/usr", "/etc", "/opt", "/sys", sys.base_prefix, sys.prefix, str(package_root)]
    from course_utils.data.cache import default_cache_dir

    paths.append(str(Path(default_cache_dir()).resolve()))
    return [p for p in dict.fromkeys(paths) if os.path.exists(p)]


def _unshare_argv() -> list[str]:
    argv = ["unshare", "--mount", "--pid", "--net", "--fork", "--kill-child", "--propagation"]
    argv.append("private")
    if os.geteuid() != 0:
        argv.append("--map-root-user")  # an unprivileged user namespace: root only inside it
    return argv


@lru_cache(maxsize=1)
def available() -> tuple[bool, str]:
    """(True, "") if kernels can be sandboxed here, else (False, why not)."""
    if not sys.platform.startswith("linux"):
        return False, f"sandboxing needs Linux namespaces; this is {sys.platform}"
    if shutil.which("unshare") is None:
        return False, "the `unshare` program (util-linux) is not installed"
    probe = subprocess.run(
        [*_unshare_argv(), "sh", "-c", "mount -t tmpfs none /mnt"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        return False, f"namespaces are not allowed here: {probe.stderr.strip()[:200]}"
    return True, ""


def kernel_argv(config_path: Path, kernel: list[str]) -> list[str]:
    """The command that starts ``kernel`` (an argv with ``{connection_file}``) sandboxed."""
    return [*_ME, "outer", str(config_path), "--", *kernel]


def write_config(config: SandboxConfig, path: Path) -> Path:
    path.write_text(json.dumps(asdict(config)), encoding="utf-8")
    return path


def _outer(config_path: str, kernel: list[str]) -> None:
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the grader's worker dies -> so does this
    os.execvp(
        "unshare", [*_unshare_argv(), *_ME, "inner", config_path, "--", *kernel]
    )  # pdeathsig survives the exec


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def _build_root(config: SandboxConfig, new_root: Path) -> None:
    _mount("-t", "tmpfs", "-o", "mode=755", "sandbox-root", str(new_root))
    for link in ("/bin", "/lib", "/lib64", "/sbin", "/lib32", "/libx32"):
        if os.path.islink(link):  # merged /usr: these are links into it
            os.symlink(os.readlink(link), new_root / link.lstrip("/"))
    # /tmp's tmpfs first: the course may live under /tmp, and what is bound below must stay
    for sub in ("dev", "proc", "tmp", "dev/shm"):
        (new_root / sub).mkdir(parents=True, exist_ok=True)
    for device in ("null", "zero", "random", "urandom"):
        (new_root / "dev" / device).touch()
        _mount("--bind", f"/dev/{device}", str(new_root / "dev" / device))
    _mount("-t", "tmpfs", "-o", "mode=1777,size=512m", "sandbox-tmp", str(new_root / "tmp"))
    _mount("-t", "tmpfs", "-o", "mode=1777,size=512m", "sandbox-shm", str(new_root / "dev/shm"))
    _mount("-t", "proc", "proc", str(new_root / "proc"))  # this namespace's processes only
    for path in config.readonly:
        target = new_root / path.lstrip("/")
        if (new_root / Path(path).parts[1]).is_symlink():
            continue  # already reachable through a link made above
        target.mkdir(parents=True, exist_ok=True)
        _mount("--rbind", path, str(target))
        _mount("-o", "remount,bind,ro", str(target))
    for writable in (config.workdir, config.home, config.runtime):
        target = new_root / writable.lstrip("/")
        target.mkdir(parents=True, exist_ok=True)
        _mount("--bind", writable, str(target))
    old = new_root / ".old-root"
    old.mkdir()
    os.chdir(new_root)
    subprocess.run(["pivot_root", ".", ".old-root"], check=True, capture_output=True)
    os.chroot(".")
    subprocess.run(["umount", "-l", "/.old-root"], check=True, capture_output=True)
    os.rmdir("/.old-root")
    _mount("-o", "remount,ro,bind", "/")  # the root itself: nothing new at the top level


def _limit(config: SandboxConfig) -> None:
    limits = {
        resource.RLIMIT_AS: config.memory_bytes,
        resource.RLIMIT_NPROC: config.processes,
        resource.RLIMIT_CPU: config.cpu_seconds,
        resource.RLIMIT_FSIZE: config.file_bytes,
        resource.RLIMIT_NOFILE: config.open_files,
        resource.RLIMIT_CORE: 0,
    }
    for which, value in limits.items():
        resource.setrlimit(which, (value, value))


def _inner(config_path: str, kernel: list[str]) -> None:
    config = SandboxConfig(**json.loads(Path(config_path).read_text(encoding="utf-8")))
    new_root = Path(f"/tmp/sandbox-root-{os.getpid()}-{os.getppid()}")
    new_root.mkdir(parents=True, exist_ok=True)
    _build_root(config, new_root)
    home = Path(config.home)
    if not _in_user_namespace():  # really root: become a user who owns nothing else
        for folder in map(Path, (config.workdir, config.home, config.runtime)):
            for path in [folder, *folder.rglob("*")]:  # the kernel's own files become its user's
                os.chown(path, config.uid, config.uid)
        os.setgroups([])
        os.setgid(config.uid)
        os.setuid(config.uid)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _limit(config)
    os.chdir(config.workdir)
    env = {
        "HOME": str(home),
        "PATH": f"{sys.prefix}/bin:/usr/bin:/bin",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "agg",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update({k: v for k, v in os.environ.items() if k.startswith(("COURSE_", "OMP_", "MKL_"))})
    child = subprocess.Popen(kernel, env=env)  # this process stays as the namespace's init
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda s, _: child.send_signal(s))
    sys.exit(child.wait())  # init exits -> the kernel's leftovers are killed by the namespace


def _in_user_namespace() -> bool:
    try:
        return Path("/proc/self/uid_map").read_text().split()[:3] != ["0", "0", "4294967295"]
    except OSError:
        return False


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 4 or argv[0] not in ("outer", "inner") or argv[2] != "--":
        sys.exit("usage: python sandbox.py outer|inner CONFIG -- KERNEL...")
    (_outer if argv[0] == "outer" else _inner)(argv[1], argv[3:])


if __name__ == "__main__":
    main()
