"""Refuse network connections to other machines (loopback stays open for Jupyter kernels)."""

import ipaddress
import socket

_real_connect = socket.socket.connect


class NetworkBlockedError(OSError):
    """Raised when code under test tries to reach another machine."""


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(sock, address):
    if not _is_local(address):
        raise NetworkBlockedError(
            f"network access to {address!r} is blocked: the course must run offline once set "
            "up (fetch data in course_utils.data.prepare, which `make data` runs)."
        )
    return _real_connect(sock, address)


def block_network(monkeypatch=None) -> None:
    """Patch ``socket.socket.connect`` (via ``monkeypatch`` if given, else for good)."""
    if monkeypatch is not None:
        monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    else:
        socket.socket.connect = _guarded_connect
