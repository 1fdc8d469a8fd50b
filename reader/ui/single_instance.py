"""One window per library: a later launch hands its files to the window already open.

The first window on a library listens on a local socket named after the library folder, so two
different libraries can each have their own window.  A later launch on the same library (from
the menu, the file manager or a terminal) connects, sends the paths it was given, waits for the
answer, and exits 0: the running window imports the paths as if they had been dropped on it and
comes to the front.  A socket file left behind by a crashed instance is found out (nobody
accepts on it) and replaced.

The protocol is one line of UTF-8 JSON, ``{"paths": [...], "activation_token": "..."}``,
answered by one line, ``ok``.  Paths are absolute (the sender resolves them against its own
working folder).  The activation token is the one the desktop gave the second launch (Wayland's
``XDG_ACTIVATION_TOKEN``, X11's ``DESKTOP_STARTUP_ID``): with it the running window may take the
focus, which compositors otherwise refuse to a window that was not clicked.

Only the user who started the window can connect (the socket is made user-only, and its name
holds the user id, since ``/tmp`` is shared).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

MAX_MESSAGE = 4 << 20  # bytes: a few thousand long paths; more is not a launcher talking
ANSWER_TIMEOUT_MS = 5000
TOKEN_VARIABLES = ("XDG_ACTIVATION_TOKEN", "DESKTOP_STARTUP_ID")


def socket_folder() -> Path:
    """The per-user runtime folder when the session has one, else the temporary folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime)
    return Path(tempfile.gettempdir())


def server_name(library_root: Path) -> str:
    """The socket's path for a library: one per user and library folder.

    Short (a Unix socket path holds at most 107 bytes) and the same whatever the spelling of
    the folder the launch was given (it is resolved first).
    """
    digest = hashlib.sha256(str(Path(library_root).resolve()).encode()).hexdigest()[:16]
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return str(socket_folder() / f"archive-reader-{uid}-{digest}")


class HandOver:
    """What happened when a launch offered its paths to a running window."""

    NOBODY = "nobody"  # no window runs on this library: this launch opens one
    DONE = "done"  # the running window took the paths
    NO_ANSWER = "no-answer"  # a window is there but did not answer in time (busy or hung)


class SingleInstance(QObject):
    """The running window's side (``listen``) and a later launch's side (``hand_over``).

    ``paths_received(paths, token)`` fires on the GUI thread for each launch that handed over,
    with its paths (possibly none: "just come to the front") and its activation token.
    """

    paths_received = Signal(list, str)

    def __init__(self, library_root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(library_root)
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}

    # -- a later launch ----------------------------------------------------------------------

    def hand_over(self, paths: list[str], timeout_ms: int = ANSWER_TIMEOUT_MS) -> str:
        """Offer ``paths`` to a window running on this library; one of ``HandOver``'s values.

        Blocking, and usable before any ``QApplication`` exists, so a second launch exits
        without ever starting a GUI.
        """
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(min(timeout_ms, 1000)):
            # ServerNotFound (no file) or ConnectionRefused (a file nobody listens on)
            return HandOver.NOBODY
        token = next((os.environ[v] for v in TOKEN_VARIABLES if os.environ.get(v)), "")
        message = json.dumps({"paths": [str(p) for p in paths], "activation_token": token})
        socket.write(message.encode("utf-8") + b"\n")
        socket.flush()
        answer = b""
        while b"\n" not in answer and socket.waitForReadyRead(timeout_ms):
            answer += bytes(socket.readAll().data())
        socket.disconnectFromServer()
        if answer.strip() == b"ok":
            log.info("handed %d path(s) to the window already open", len(paths))
            return HandOver.DONE
        return HandOver.NO_ANSWER

    # -- the running window ------------------------------------------------------------------

    def listen(self) -> bool:
        """Start answering later launches; False if another window got there first."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            if server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
                log.warning("cannot listen on %s: %s", self.name, server.errorString())
                return False
            if self._someone_answers():
                return False
            log.info("replacing the socket a crashed instance left: %s", self.name)
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                log.warning("cannot listen on %s: %s", self.name, server.errorString())
                return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def close(self) -> None:
        """Stop answering (removes the socket file); the window calls this as it closes."""
        if self._server is not None:
            self._server.close()
            self._server = None

    def _someone_answers(self) -> bool:
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        alive = probe.waitForConnected(500)
        probe.abort()
        return alive

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if b"\n" not in buffer:
            if len(buffer) > MAX_MESSAGE:
                log.warning("dropped an over-long message from a launch")
                socket.abort()
            return
        line = bytes(buffer.split(b"\n", 1)[0])
        buffer.clear()
        try:
            message = json.loads(line.decode("utf-8"))
            paths = [str(p) for p in message.get("paths", [])]
            token = str(message.get("activation_token") or "")
        except (ValueError, AttributeError, TypeError) as exc:
            log.warning("ignored a malformed message from a launch: %s", exc)
            socket.write(b"error\n")
            socket.flush()
            socket.disconnectFromServer()
            return
        log.info("a launch handed over %d path(s)", len(paths))
        self.paths_received.emit(paths, token)
        socket.write(b"ok\n")
        socket.flush()
        socket.disconnectFromServer()
