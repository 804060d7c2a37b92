"""Misbehaving servers for fault tests: they accept TCP and then answer slowly or not at all."""

import socket
import threading


class TrickleServer:
    """A TCP server that accepts connections and then trickles ``banner`` one byte every ``pause``
    seconds (a slow SMTP server), or sends nothing at all when ``banner`` is empty (a hung one,
    or a hung Redis)."""

    def __init__(self, banner: bytes = b"", pause: float = 0.5, port: int = 0):
        self.banner = banner
        self.pause = pause
        self.listener = socket.create_server(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            self.connections.append(conn)
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        for byte in self.banner:
            if self.stopped.wait(self.pause):
                return
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                return

    def stop(self) -> None:
        self.stopped.set()
        # The accept loop must return before the port is really free for the next server.
        self.thread.join(timeout=5)
        self.listener.close()
        for conn in self.connections:
            conn.close()
