"""Beam file systems for the tests, with the semantics of the remote stores a run writes to.

Each is registered with Beam under its own scheme (Beam finds every FileSystem subclass) and
backed by a local folder, ``BACKING``: ``<scheme>://x/y`` is ``<BACKING>/x/y``. altedic sees only
URIs (``fsutil.is_local`` is false), so the code paths are those of ``gs://``, ``s3://`` or
``hdfs://`` without a network.

* :class:`ObjectStoreFileSystem` (``altedictest://``) behaves as Beam 2.77's GCS and S3 file
  systems do: only files (objects) exist; ``exists`` is false for a folder prefix
  (``GcsIO.exists`` is ``blob.exists()``, ``S3IO.exists`` a HEAD of the key); ``delete`` removes
  a folder (every object under the prefix) only when the path ends with ``/``, else the objects
  the path matches; ``mkdirs`` does nothing; a listing is every object whose name starts with
  the prefix, at any depth.
* :class:`OptionsFileSystem` (``altedicopts://``): the same store, built as
  ``S3FileSystem`` is: without pipeline options it raises what ``S3IO(options=None)`` raises.
* :class:`HdfsLikeFileSystem` (``altedichdfs://``): folders exist, and, as Beam's
  ``HadoopFileSystem``, creating a file that exists fails (``HdfsUploader``: "Path already
  exists"), and so does renaming onto an existing file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any, ClassVar

from apache_beam.io.filesystem import BeamIOError, FileMetadata
from apache_beam.io.localfilesystem import LocalFileSystem


class ObjectStoreFileSystem(LocalFileSystem):  # type: ignore[misc]
    """A bucket: objects only (see the module's docstring). ``touched``: every URI used;
    ``opened``: every URI opened for reading."""

    BACKING: ClassVar[str] = ""
    touched: ClassVar[list[str]] = []
    opened: ClassVar[list[str]] = []

    @classmethod
    def scheme(cls) -> str:
        return "altedictest"

    @classmethod
    def _p(cls, uri: str) -> str:
        prefix = f"{cls.scheme()}://"
        if not uri.startswith(prefix):
            assert cls.BACKING and uri.startswith(cls.BACKING), uri  # LocalFileSystem calling itself back
            return uri
        ObjectStoreFileSystem.touched.append(uri)
        return os.path.join(cls.BACKING, uri[len(prefix) :])

    def _uri(self, local: str) -> str:
        return f"{self.scheme()}://" + os.path.relpath(local, self.BACKING)

    def _prune(self, local: str) -> None:
        """Remove the empty backing folders above ``local``: a prefix without objects is nothing."""
        folder = os.path.dirname(local)
        while folder.startswith(self.BACKING) and folder != self.BACKING.rstrip("/"):
            try:
                os.rmdir(folder)
            except OSError:
                return
            folder = os.path.dirname(folder)

    def has_dirs(self) -> bool:
        return False

    def join(self, basepath: str, *paths: str) -> str:
        return "/".join([basepath.rstrip("/"), *(p.strip("/") for p in paths)])

    def mkdirs(self, path: str) -> None:
        pass

    def _list(self, dir_or_prefix: str) -> Iterator[FileMetadata]:
        if not dir_or_prefix.startswith(f"{self.scheme()}://"):
            yield from super()._list(dir_or_prefix)
            return
        root = self._p(dir_or_prefix)
        walk_from = root if os.path.isdir(root) else os.path.dirname(root)
        for dirpath, _dirs, files in os.walk(walk_from):
            for name in files:
                local = os.path.join(dirpath, name)
                if local.startswith(root):
                    yield FileMetadata(self._uri(local), os.path.getsize(local), os.path.getmtime(local))

    def create(self, path: str, *args: Any, **kwargs: Any) -> Any:
        local = self._p(path)
        os.makedirs(os.path.dirname(local), exist_ok=True)
        return super().create(local, *args, **kwargs)

    def open(self, path: str, *args: Any, **kwargs: Any) -> Any:
        ObjectStoreFileSystem.opened.append(path)
        return super().open(self._p(path), *args, **kwargs)

    def copy(self, sources: list[str], destinations: list[str]) -> None:
        for s, d in zip(sources, destinations, strict=True):
            os.makedirs(os.path.dirname(self._p(d)), exist_ok=True)
            shutil.copyfile(self._p(s), self._p(d))

    def rename(self, sources: list[str], destinations: list[str]) -> None:
        # an object store's rename: copy, then delete the source
        self.copy(sources, destinations)
        for s in sources:
            os.remove(self._p(s))
            self._prune(self._p(s))

    def exists(self, path: str) -> bool:
        return os.path.isfile(self._p(path))  # objects only, never a "folder"

    def size(self, path: str) -> int:
        return os.path.getsize(self._p(path))

    def last_updated(self, path: str) -> float:
        return os.path.getmtime(self._p(path))

    def checksum(self, path: str) -> str:
        return str(os.path.getsize(self._p(path)))

    def metadata(self, path: str) -> FileMetadata:
        local = self._p(path)
        return FileMetadata(path, os.path.getsize(local), os.path.getmtime(local))

    def delete(self, paths: list[str]) -> None:
        for p in paths:
            # a path ending with "/": every object under the prefix; else what the path matches
            found = self._list(p) if p.endswith("/") else iter(self.match([p])[0].metadata_list)
            for m in list(found):
                local = self._p(m.path)
                os.remove(local)
                self._prune(local)


class OptionsFileSystem(ObjectStoreFileSystem):
    """The bucket, needing pipeline options as ``S3FileSystem`` does. ``regions``: the
    ``--s3_region_name`` of the options of every instance built."""

    regions: ClassVar[list[str | None]] = []

    def __init__(self, pipeline_options: Any) -> None:
        if pipeline_options is None:
            raise ValueError("Must provide one of client or options")  # S3IO(options=None)
        from apache_beam.options.pipeline_options import S3Options

        OptionsFileSystem.regions.append(pipeline_options.view_as(S3Options).s3_region_name)
        super().__init__(pipeline_options)

    @classmethod
    def scheme(cls) -> str:
        return "altedicopts"


class HdfsLikeFileSystem(ObjectStoreFileSystem):
    """Folders exist; a file is never created or renamed over an existing one."""

    @classmethod
    def scheme(cls) -> str:
        return "altedichdfs"

    def has_dirs(self) -> bool:
        return True

    def exists(self, path: str) -> bool:
        return os.path.exists(self._p(path))

    def mkdirs(self, path: str) -> None:
        if self.exists(path):
            raise BeamIOError(f"Path already exists: {path}")
        os.makedirs(self._p(path))

    def create(self, path: str, *args: Any, **kwargs: Any) -> Any:
        if self.exists(path):
            raise BeamIOError(f"Path already exists: {path}")
        return super().create(path, *args, **kwargs)

    def rename(self, sources: list[str], destinations: list[str]) -> None:
        for s, d in zip(sources, destinations, strict=True):
            if self.exists(d) or not os.path.isdir(os.path.dirname(self._p(d))):
                raise BeamIOError("Rename operation failed", {(s, d): OSError("destination exists or no parent")})
            os.rename(self._p(s), self._p(d))

    def delete(self, paths: list[str]) -> None:
        for p in paths:
            local = self._p(p)
            if os.path.isdir(local):
                shutil.rmtree(local)
            elif os.path.exists(local):
                os.remove(local)
            else:
                raise BeamIOError("Delete operation failed", {p: FileNotFoundError(p)})
