"""Refuse network connections to other machines (loopback stays open for Jupyter kernels)."""

import ipaddress
import socket

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


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


def _refuse(address) -> None:
    if not _is_local(address):
        raise NetworkBlockedError(
            f"network access to {address!r} is blocked: the course must run offline once set "
            "up (fetch data in course_utils.data.prepare, which `make data` runs)."
        )


def _guarded_connect(sock, address):
    _refuse(address)
    return _real_connect(sock, address)


def _guarded_connect_ex(sock, address):
    _refuse(address)
    return _real_connect_ex(sock, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    # Name lookups go to a DNS server: only names of this machine may be resolved.
    if host not in (None, "localhost") and not _is_local((host,)):
        raise NetworkBlockedError(f"DNS lookup of {host!r} is blocked: the course runs offline")
    return _real_getaddrinfo(host, *args, **kwargs)


def block_network(monkeypatch=None) -> None:
    """Patch ``socket.socket.connect`` (via ``monkeypatch`` if given, else for good)."""
    patches = [
        (socket.socket, "connect", _guarded_connect),
        (socket.socket, "connect_ex", _guarded_connect_ex),
        (socket, "getaddrinfo", _guarded_getaddrinfo),
    ]
    for owner, name, guard in patches:
        if monkeypatch is not None:
            monkeypatch.setattr(owner, name, guard)
        else:
            setattr(owner, name, guard)
