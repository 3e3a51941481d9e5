"""Local worker processes for the read-to-spill step and the shard writers on the in-process runner (``--workers N``).

The parent (a DoFn on Beam's in-process runner) starts N fresh interpreters running this module
(``python -m altedic.beam.localworker``), hands each a copy of the DoFn, then feeds them files one
at a time as they become free (dynamic load balance) and yields their outputs as they arrive.
Messages are pickled and length-prefixed on the child's stdin/stdout; the child's own prints go to
stderr. Fresh interpreters, not ``fork``: nothing of the runner's threads and locks is inherited,
and, unlike ``multiprocessing``'s spawn, the caller's ``__main__`` is never re-imported (a script
calling :func:`altedic.run.run` needs no ``if __name__ == "__main__"`` guard).

Outputs do not depend on which process handled which file (spill chunks are sorted; nodes,
counts and errors are order-free), so the release is the same for any N (tested byte for byte).
A failing process fails the bundle with its traceback; one that dies (killed, out of memory)
fails it with its exit code.
"""

from __future__ import annotations

import os
import pickle
import selectors
import struct
import subprocess
import sys
from collections.abc import Iterator
from typing import IO, Any

_HEADER = struct.Struct("<Q")


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_exact(stream: IO[bytes], n: int) -> bytes:
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _recv(stream: IO[bytes]) -> Any:
    (n,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, n))


def _died(proc: subprocess.Popen[bytes]) -> RuntimeError:
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        code = None
    return RuntimeError(f"a local worker process died (exit code {code}); its messages are above, on stderr")


def _tell(proc: subprocess.Popen[bytes], message: Any) -> None:
    assert proc.stdin is not None
    try:
        _send(proc.stdin, message)
    except (BrokenPipeError, ConnectionResetError):  # it died before reading (import error, killed)
        raise _died(proc) from None


def run_files(fn: Any, tasks: list[Any], processes: int) -> Iterator[tuple[str | None, Any]]:
    """Process ``tasks`` with copies of ``fn`` (a DoFn with ``setup``, ``start_bundle``,
    ``process_file(task)`` and ``flush()``) in ``processes`` local processes; yield (tag, value)
    outputs (tag None = main output)."""
    if not tasks:
        return
    blob = pickle.dumps(fn, protocol=pickle.HIGHEST_PROTOCOL)
    queue = list(reversed(tasks))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "altedic.beam.localworker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,  # unbuffered: a message read ahead into a buffer would hide from select()
            env=dict(os.environ),
        )
        for _ in range(min(processes, len(tasks)))
    ]
    sel = selectors.DefaultSelector()
    try:
        for proc in procs:
            assert proc.stdin is not None and proc.stdout is not None
            _tell(proc, ("init", blob))
            sel.register(proc.stdout, selectors.EVENT_READ, proc)
        active = len(procs)
        while active:
            for key, _ in sel.select(timeout=5):
                proc = key.data
                try:
                    msg = _recv(proc.stdout)
                except EOFError:
                    raise _died(proc) from None
                kind = msg[0]
                if kind == "fail":
                    raise RuntimeError(f"a local worker process failed:\n{msg[1]}")
                if kind == "items":
                    yield from msg[1]
                elif kind == "ready":
                    _tell(proc, ("task", queue.pop()) if queue else ("finish",))
                elif kind == "done":
                    sel.unregister(proc.stdout)
                    active -= 1
    finally:
        sel.close()
        for proc in procs:
            if proc.poll() is None:
                try:
                    assert proc.stdin is not None
                    proc.stdin.close()
                except OSError:
                    pass
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _items(outputs: Any) -> list[tuple[str | None, Any]]:
    import apache_beam as beam

    items: list[tuple[str | None, Any]] = []
    for item in outputs:
        if isinstance(item, beam.pvalue.TaggedOutput):
            items.append((item.tag, item.value))
        else:
            items.append((None, item))
    return items


def main() -> None:
    import traceback

    inp = sys.stdin.buffer
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the channel
    try:
        msg = _recv(inp)
        assert msg[0] == "init"
        fn = pickle.loads(msg[1])
        fn.setup()
        fn.start_bundle()
        _send(out, ("ready",))
        while True:
            msg = _recv(inp)
            if msg[0] == "finish":
                _send(out, ("items", [(None, s) for s in fn.flush()]))
                _send(out, ("done",))
                return
            _send(out, ("items", _items(fn.process_file(msg[1]))))
            _send(out, ("ready",))
    except EOFError:
        return  # the parent went away
    except BaseException:
        _send(out, ("fail", traceback.format_exc()))


if __name__ == "__main__":
    main()
