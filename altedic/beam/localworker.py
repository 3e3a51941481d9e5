"""Local worker processes for the read-to-spill step and the shard writers on the in-process runner (``--workers N``).

The parent (a DoFn on Beam's in-process runner) starts N fresh interpreters running this module
(``python -m altedic.beam.localworker``), hands each a copy of the DoFn, then feeds them files one
at a time as they become free (dynamic load balance) and yields their outputs as they arrive.
Messages are pickled and length-prefixed on the child's stdin/stdout; the child's own prints go to
stderr. Fresh interpreters, not ``fork``: nothing of the runner's threads and locks is inherited,
and, unlike ``multiprocessing``'s spawn, the caller's ``__main__`` is never re-imported (a script
calling :func:`altedic.run.run` needs no ``if __name__ == "__main__"`` guard).

Interpreters start ahead of need (:func:`prestart`): ``altedic run`` starts N while it builds
the pipeline, and the read step starts a spare as each of its processes finishes, so the shard
writers' processes have their imports done by the time dedup (which leaves a core free) ends.
A process that has finished is not waited for in line; :func:`shutdown` reaps it.

Outputs do not depend on which process handled which file (spill chunks are sorted; nodes,
counts and errors are order-free), so the release is the same for any N (tested byte for byte).
A failing process fails the bundle with its traceback; one that dies (killed, out of memory)
fails it with its exit code.
"""

from __future__ import annotations

import atexit
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


#: Processes started ahead of need (imports done, waiting for their step): see :func:`prestart`.
_SPARES: list[subprocess.Popen[bytes]] = []
#: Processes that finished their work and are exiting; reaped later, never waited for in line.
_EXITING: list[subprocess.Popen[bytes]] = []


def _spawn() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "altedic.beam.localworker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        bufsize=0,  # unbuffered: a message read ahead into a buffer would hide from select()
        env=dict(os.environ),
    )


def prestart(processes: int) -> None:
    """Start local processes ahead of need, up to ``processes`` waiting: a fresh interpreter
    spends about a second importing Beam, Arrow and altedic, which then overlaps with what the
    caller does meanwhile (building the pipeline; the dedup step, which leaves a core free). The
    next :func:`run_files` takes them; :func:`shutdown` ends those left over."""
    global _SPARES
    _SPARES = [p for p in _SPARES if p.poll() is None]
    while len(_SPARES) < processes:
        _SPARES.append(_spawn())


def _reap() -> None:
    global _EXITING
    _EXITING = [p for p in _EXITING if p.poll() is None]


def _end(proc: subprocess.Popen[bytes], wait: bool) -> None:
    try:
        assert proc.stdin is not None
        proc.stdin.close()
    except OSError:
        pass
    if not wait:
        _EXITING.append(proc)
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def shutdown() -> None:
    """End the spare processes and wait for the exiting ones (so that their CPU time is
    accounted to this process's children)."""
    global _SPARES, _EXITING
    for proc in _SPARES:
        if proc.poll() is None:
            proc.kill()
    for proc in _SPARES + _EXITING:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    _SPARES, _EXITING = [], []


atexit.register(shutdown)


def run_files(fn: Any, tasks: list[Any], processes: int, warm: bool = False) -> Iterator[tuple[str | None, Any]]:
    """Process ``tasks`` with copies of ``fn`` (a DoFn with ``setup``, ``start_bundle``,
    ``process_file(task)`` and ``flush()``) in ``processes`` local processes; yield (tag, value)
    outputs (tag None = main output).

    Spare processes (:func:`prestart`) are used first. ``warm``: another step will follow, so a
    spare is started in place of each process that finishes (on the core it frees). Processes
    that finished are not waited for here (an interpreter's exit takes a moment)."""
    _reap()
    if not tasks:
        return
    blob = pickle.dumps(fn, protocol=pickle.HIGHEST_PROTOCOL)
    queue = list(reversed(tasks))
    n = min(processes, len(tasks))
    procs: list[subprocess.Popen[bytes]] = []
    while _SPARES and len(procs) < n:
        spare = _SPARES.pop(0)
        if spare.poll() is None:
            procs.append(spare)
    procs += [_spawn() for _ in range(n - len(procs))]
    done: set[int] = set()
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
                    done.add(id(proc))
                    _end(proc, wait=False)
                    if warm:
                        prestart(len(_SPARES) + 1)
                    active -= 1
    finally:
        sel.close()
        for proc in procs:
            if id(proc) not in done and proc.poll() is None:
                _end(proc, wait=True)


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
        # What every step needs, imported while the parent is still busy (see prestart()).
        import altedic.beam.transforms  # noqa: F401

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
