"""A small HTTP/1.1 proxy of the tests' own, on 127.0.0.1, that injects the faults a real network and a
real server make: requests cut short, responses cut short, 500s, responses lost after the receiver has
committed, and the receiver restarted in the middle of a sync. Each request meets one fault (or none),
chosen by a seeded random generator, so a failing run can be repeated."""

from __future__ import annotations

import random
import socket
import threading
from collections import Counter
from collections.abc import Callable, Sequence

FAULTS = ("cut_request", "cut_response", "error_500", "lose_response", "restart")
ERROR_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: 30\r\n\r\n"
    b'{"detail": "Injected failure"}'
)


def _read_message(sock: socket.socket, buffer: bytearray) -> bytes | None:
    """One HTTP message (headers and a Content-Length body) from `sock`; None when it closes first."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head_end = buffer.index(b"\r\n\r\n") + 4
    length = 0
    for line in bytes(buffer[:head_end]).split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(buffer) < head_end + length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    message = bytes(buffer[: head_end + length])
    del buffer[: head_end + length]
    return message


class FaultyProxy:
    """`faulted`: the request lines the faults fall on (records by default); `plan`: the faults the first
    faulted requests meet, in order, before the random ones (so each kind surely happens); `more_upstreams`:
    further receiver processes, taken in turn with `upstream_port` request by request; `on_response`:
    told of each (request, response) passed whole to the client; `rewrite`: given (request, response), the
    response to pass on instead, or None to lose it (a fake receiver in front of the real one)."""

    def __init__(
        self,
        upstream_port: int,
        fault_rate: float,
        restart: Callable[[], None],
        seed: int = 8,
        *,
        faulted: tuple[bytes, ...] = (b"PUT ",),
        plan: Sequence[str] = (),
        more_upstreams: Sequence[int] = (),
        on_response: Callable[[bytes, bytes], None] | None = None,
        rewrite: Callable[[bytes, bytes], bytes | None] | None = None,
    ):
        self.upstream_port, self.fault_rate, self._restart = upstream_port, fault_rate, restart
        self._rng = random.Random(seed)
        self._faulted, self.plan, self._on_response = faulted, list(plan), on_response
        self._upstreams, self._turn = [upstream_port, *more_upstreams], 0
        self._rewrite = rewrite
        self.upstream_turns: Counter[int] = Counter()  # requests forwarded to each upstream port
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._running = False
        self._listener.close()

    def _fault(self, request: bytes) -> str | None:
        if not request.startswith(self._faulted):
            return None  # the enrolment check passes: the faults are on the records
        with self._lock:
            if self.plan:
                fault = self.plan.pop(0)
                self.injected[fault] += 1
                return fault
            if self._rng.random() >= self.fault_rate:
                return None
            fault = self._rng.choice(FAULTS)
            self.injected[fault] += 1
            return fault

    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        buffer = bytearray()
        with client:
            try:
                while (request := _read_message(client, buffer)) is not None:
                    if not self._one(client, request, self._fault(request)):
                        return
            except OSError:  # the client went (a killed app resets its connection)
                return

    def _one(self, client: socket.socket, request: bytes, fault: str | None) -> bool:
        """Handle one request; False when the client's connection is to be dropped."""
        if fault == "error_500":
            client.sendall(ERROR_500)
            return True
        if fault == "restart":
            self._restart()
        try:
            with socket.create_connection(("127.0.0.1", self._next_upstream())) as upstream:
                if fault == "cut_request":
                    upstream.sendall(request[: len(request) // 2])
                    return False
                upstream.sendall(request)
                response = _read_message(upstream, bytearray())
        except OSError:  # a receiver process killed: the client meets a dropped connection
            return False
        if response is not None and self._rewrite:
            response = self._rewrite(request, response)
        if response is None:
            return False
        if fault == "lose_response":  # the receiver has committed; the device never hears of it
            return False
        if fault == "cut_response":
            client.sendall(response[: len(response) // 2])
            return False
        client.sendall(response)
        if self._on_response:
            self._on_response(request, response)
        return True

    def _next_upstream(self) -> int:
        with self._lock:
            self._turn += 1
            port = self._upstreams[self._turn % len(self._upstreams)]
            self.upstream_turns[port] += 1
            return port


def with_body(response: bytes, body: bytes) -> bytes:
    """The HTTP response with its body replaced, and its Content-Length to match."""
    head = response.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    kept = [line for line in head if not line.lower().startswith(b"content-length:")]
    return b"\r\n".join([*kept, b"content-length: %d" % len(body)]) + b"\r\n\r\n" + body


def body_of(response: bytes) -> bytes:
    return response.split(b"\r\n\r\n", 1)[1]
