"""The few file-system operations the driver needs, through Beam's FileSystems.

Local paths and remote URIs (``gs://``, ``s3://``... where the Beam extra is installed) take the
same code path, so a recipe whose output is a bucket works unchanged. Writes that must be atomic
(manifest, ``_SUCCESS``) go to a temporary name first and are renamed into place.
"""

from __future__ import annotations

import os
import shutil

from apache_beam.io.filesystems import FileSystems


def is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def join(base: str, *parts: str) -> str:
    return FileSystems.join(base, *parts) if not is_local(base) else os.path.join(base, *parts)


def exists(path: str) -> bool:
    return bool(FileSystems.exists(path))


def read_bytes(path: str) -> bytes:
    with FileSystems.open(path) as f:
        data: bytes = f.read()
        return data


def write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary name, then rename)."""
    tmp = path + ".tmp"
    if is_local(path):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with FileSystems.create(tmp) as f:
        f.write(data)
    if is_local(path):
        os.replace(tmp, path)
    else:
        if FileSystems.exists(path):
            FileSystems.delete([path])
        FileSystems.rename([tmp], [path])


def list_files(root: str) -> list[str]:
    """Every file under ``root`` (recursive), as paths relative to ``root``, sorted."""
    if is_local(root):
        out = []
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                out.append(os.path.relpath(os.path.join(dirpath, name), root))
        return sorted(out)
    prefix = root.rstrip("/") + "/"
    result = FileSystems.match([prefix + "**"])[0]
    return sorted(m.path[len(prefix) :] for m in result.metadata_list)


def delete_tree(path: str) -> None:
    if is_local(path):
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
        return
    if FileSystems.exists(path):
        FileSystems.delete([path])


def move(src: str, dst: str) -> None:
    if is_local(src):
        os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
        os.replace(src, dst)
    else:
        FileSystems.rename([src], [dst])


def makedirs(path: str) -> None:
    if is_local(path):
        os.makedirs(path, exist_ok=True)
