import socket
import time

import pytest

from tests.offline import NetworkBlockedError, _is_local


def test_remote_connection_is_blocked_at_once():
    start = time.perf_counter()
    with pytest.raises(NetworkBlockedError, match="blocked.*offline"):
        socket.create_connection(("192.0.2.1", 80), timeout=5)
    assert time.perf_counter() - start < 1


def test_connect_on_a_new_socket_is_blocked():
    with socket.socket() as sock, pytest.raises(NetworkBlockedError):
        sock.connect(("192.0.2.1", 443))


def test_loopback_is_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5) as client:
            conn, _ = server.accept()
            with conn:
                client.sendall(b"ping")
                assert conn.recv(4) == b"ping"


@pytest.mark.parametrize(
    "address, local",
    [
        (("localhost", 80), True),
        (("127.0.0.1", 80), True),
        (("::1", 80, 0, 0), True),
        ("/tmp/kernel.sock", True),
        (("10.0.0.1", 80), False),
        (("2001:db8::1", 80, 0, 0), False),
        (("example.com", 80), False),
    ],
)
def test_which_addresses_count_as_local(address, local):
    assert _is_local(address) is local
