"""Local worker processes for the read-to-spill step and the shard writers on the in-process runner (``--workers N``).

The parent (a DoFn on Beam's in-process runner) starts N fresh interpreters running this module
(``python -m altedic.beam.localworker``), hands each a copy of the step's work (a plain object of
:mod:`altedic.beam.steps`, not the DoFn: these interpreters never import Apache Beam, which
costs each 1.0-1.3 CPU-seconds), then feeds them files one at a time as they become free
(dynamic load balance) and yields their outputs as they arrive.
Messages are pickled and length-prefixed on the child's stdin/stdout; the child's own prints go to
stderr. Fresh interpreters, not ``fork``: nothing of the runner's threads and locks is inherited,
and, unlike ``multiprocessing``'s spawn, the caller's ``__main__`` is never re-imported (a script
calling :func:`altedic.run.run` needs no ``if __name__ == "__main__"`` guard).

Interpreters start ahead of need (:func:`prestart`): ``altedic run`` starts N while it builds
the pipeline, and the read step (``warm``) starts a fresh spare as each of its processes
finishes, so the shard writers' processes have their imports done by the time dedup (which
leaves a core free) ends. A process can also serve several steps (``keep``): it drops its step's
object, returns the freed memory to the system and waits for the next step's; the shard writers
stay this way for the release report's plots. The read step's processes are not kept: after a
100k-document run each still held ~450 MB (a fresh one ~150-210 MB), measured.
A process that has finished for good is not waited for in line; :func:`shutdown` reaps it.

Outputs do not depend on which process handled which file (spill chunks are sorted; nodes,
counts and errors are order-free), so the release is the same for any N (tested byte for byte).
A failing process fails the bundle with its traceback; one that dies (killed, out of memory)
fails it with its exit code.
"""

from __future__ import annotations

import atexit
import contextlib
import json
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


#: The run's Beam arguments, handed to the processes started from now on (see :func:`configure`).
_BEAM_ARGS: list[str] = []


def configure(beam_args: list[str]) -> None:
    """Hand ``beam_args`` (what followed ``--``) to the local processes started from now on:
    a process that opens a URI sets Beam's file systems up with them (``altedic.fsutil``), so a
    bucket's settings and credentials given as pipeline options work there as in the runner."""
    global _BEAM_ARGS
    _BEAM_ARGS = list(beam_args)


def _child_env() -> dict[str, str]:
    from altedic.fsutil import BEAM_ARGS_ENV

    env = dict(os.environ)
    if _BEAM_ARGS:
        env[BEAM_ARGS_ENV] = json.dumps(_BEAM_ARGS)
    else:
        env.pop(BEAM_ARGS_ENV, None)
    return env


def _spawn() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "altedic.beam.localworker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        bufsize=0,  # unbuffered: a message read ahead into a buffer would hide from select()
        env=_child_env(),
    )


def prestart(processes: int) -> None:
    """Start local processes ahead of need, up to ``processes`` waiting: a fresh interpreter
    spends about a second importing Beam, Arrow and altedic, which then overlaps with what the
    caller does meanwhile (building the pipeline). The next :func:`run_files` takes them (and
    the processes a ``keep`` step kept); :func:`shutdown` ends those left over."""
    global _SPARES
    _SPARES = [p for p in _SPARES if p.poll() is None]
    while len(_SPARES) < processes:
        _SPARES.append(_spawn())


def spares() -> int:
    """How many local processes are waiting for a step (started ahead or kept), alive."""
    return sum(1 for p in _SPARES if p.poll() is None)


def preload(modules: list[str]) -> None:
    """Have the waiting processes import ``modules`` now (they do not answer), so that the next
    step's work object, whose setup needs them, finds them loaded: the imports overlap with what the
    caller does meanwhile."""
    for proc in _SPARES:
        if proc.poll() is None:
            with contextlib.suppress(RuntimeError):  # it died; run_files skips it
                _tell(proc, ("preload", modules))


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
    """End the spare processes and the exiting ones, and reap them (so that their CPU time is
    accounted to this process's children). Both have delivered all they had (an exiting process
    sent ``done`` after its last output): killing them only skips an interpreter's teardown,
    which for a process that held a step's data takes a good part of a second."""
    global _SPARES, _EXITING
    for proc in _SPARES + _EXITING:
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


def run_files(
    fn: Any, tasks: list[Any], processes: int, warm: bool = False, keep: bool = False
) -> Iterator[tuple[str | None, Any]]:
    """Process ``tasks`` with copies of ``fn`` (a plain object with ``setup()``,
    ``start_bundle()``, ``process_file(task)`` yielding (tag, value) outputs, tag None being the
    main output, and ``flush()`` returning the last main outputs; see :mod:`altedic.beam.steps`)
    in ``processes`` local processes; yield the (tag, value) outputs.

    Spare processes (:func:`prestart`, or kept by an earlier step) are used first. ``warm``:
    another step will follow, so a fresh spare is started in place of each process that
    finishes (on the core it frees). ``keep``: each process becomes a spare itself when it has
    finished its tasks (it waits for the next step's work) instead of exiting. Processes that
    exit are not waited for here (an interpreter's exit takes a moment)."""
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
                    if keep:
                        _SPARES.append(proc)  # it waits for the next step's work
                    else:
                        _end(proc, wait=False)
                        if warm:
                            prestart(len(_SPARES) + 1)
                    active -= 1
    finally:
        sel.close()
        for proc in procs:
            if id(proc) not in done and proc.poll() is None:
                _end(proc, wait=True)


def _release_memory() -> None:
    """Give the memory a finished step freed back to the system (a kept process should not
    hold the read step's peak through the next step): Python's garbage, Arrow's pool, glibc's
    free lists."""
    import gc

    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except Exception:  # pragma: no cover - an Arrow build without it
        pass
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _serve(inp: IO[bytes], out: IO[bytes], blob: bytes) -> None:
    """One step: the work object pickled in ``blob``, its tasks until ``finish``."""
    fn = pickle.loads(blob)
    fn.setup()
    fn.start_bundle()
    _send(out, ("ready",))
    while True:
        msg = _recv(inp)
        if msg[0] == "finish":
            _send(out, ("items", [(None, s) for s in fn.flush()]))
            _send(out, ("done",))
            return
        _send(out, ("items", list(fn.process_file(msg[1]))))
        _send(out, ("ready",))


def main() -> None:
    import traceback

    inp = sys.stdin.buffer
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the channel
    try:
        # What every step needs, imported while the parent is still busy (see prestart()).
        # Not Apache Beam: the steps run here are plain objects (altedic.beam.steps).
        import altedic.beam.steps  # noqa: F401

        while True:  # one step after another, until the parent closes the channel
            msg = _recv(inp)
            if msg[0] == "preload":
                import importlib

                for module in msg[1]:
                    # A hint, not a step: nobody waits for an answer, so a module that fails
                    # to import here fails the step that needs it, with its traceback.
                    with contextlib.suppress(Exception):
                        importlib.import_module(module)
                continue
            assert msg[0] == "init"
            _serve(inp, out, msg[1])
            _release_memory()
    except EOFError:
        return  # the parent is done with this process (or went away)
    except BaseException:
        _send(out, ("fail", traceback.format_exc()))


if __name__ == "__main__":
    main()
