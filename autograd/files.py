"""Writing files whole or not at all: what ``nn`` and ``viz`` use for every file they write.

``atomic_write(path, data)`` writes to a temporary file in the same folder, flushes it to disk
and then puts it in place with ``os.replace``: a reader, a crash or a ``kill -9`` at any moment
sees the previous file or the new one, never a mixture. The file keeps the mode it had (a new one
gets the usual ``0o666`` less the umask); a symbolic link is written through (its target is
replaced, the link stays); the temporary name is short (``.pathgrad-<pid>-<hex>.tmp``), so any
name the folder accepts can be written. ``atomic_write_all`` does the same for several files (a
sequence of numbered frames): all of them are written in a temporary folder first and moved into
place only once every one is complete. A failure leaves no temporary file behind and raises an
``OSError`` that names the file the caller asked for; temporary files left by a process that
was killed are removed by the next write into that folder.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "note.txt", "hello").read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

__all__ = ["TEMPORARY_PREFIX", "atomic_write", "atomic_write_all"]

# bytes, text (written as UTF-8), or a function that writes into the open binary file
Data = bytes | str | Callable[[IO[bytes]], object]

TEMPORARY_PREFIX = ".pathgrad-"
_STALE_AFTER = 60.0  # seconds: a temporary file of a dead process older than this is removed


def atomic_write(path: str | os.PathLike, data: Data) -> Path:
    """Write ``data`` to ``path`` atomically (see the module's docstring); returns ``path``."""
    return atomic_write_all({path: data})[0]


def atomic_write_all(files: Mapping[str | os.PathLike, Data]) -> list[Path]:
    """Write every file of ``files`` ({path: data}) atomically and together: each is complete
    in a temporary folder (a temporary file for a single file) before the first is moved into
    place, so a failure while writing any of them changes none. Returns the paths, in order."""
    paths = [Path(p) for p in files]
    targets = [Path(os.path.realpath(p)) for p in paths]  # a link is written through
    staged: list[tuple[str, Path, Path]] = []  # (temporary file, target, path asked for)
    folders: dict[Path, str] = {}  # target folder -> its temporary folder (several files)
    current = paths[0] if paths else None
    for folder in dict.fromkeys(target.parent for target in targets):
        _sweep(folder)
    try:
        for path, target, data in zip(paths, targets, files.values(), strict=True):
            current = path
            if len(paths) == 1:
                where = str(target.parent)
            else:
                if target.parent not in folders:
                    folders[target.parent] = _new_temporary(target.parent, folder=True)
                where = folders[target.parent]
            staged.append((_stage(where, target, data), target, path))
        for temporary, target, path in staged:
            current = path
            os.replace(temporary, target)
        for folder in {target.parent for target in targets}:
            _sync_folder(folder)
    except OSError as err:
        _discard(staged, folders)
        if current is not None and err.filename != os.fspath(current):
            raise OSError(err.errno, err.strerror or str(err), os.fspath(current)) from err
        raise
    except BaseException:
        _discard(staged, folders)
        raise
    for folder_name in folders.values():
        with contextlib.suppress(OSError):
            os.rmdir(folder_name)
    return paths


def _stage(where: str, target: Path, data: Data) -> str:
    """A complete, flushed temporary copy of ``data`` in the folder ``where``, with the mode of
    ``target`` if it exists."""
    temporary = _new_temporary(where)
    try:
        fd = os.open(temporary, os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, str):
                f.write(data.encode("utf-8"))
            elif isinstance(data, (bytes, bytearray, memoryview)):
                f.write(data)
            else:
                data(f)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _new_temporary(where: str | Path, folder: bool = False) -> str:
    """A new file (or folder) with a short name that no one else uses, in ``where``."""
    while True:
        name = os.path.join(where, f"{TEMPORARY_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            if folder:
                os.mkdir(name, 0o700)
            else:
                os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return name
        except FileExistsError:
            continue


def _discard(staged: list[tuple[str, Path, Path]], folders: dict[Path, str]) -> None:
    for temporary, _, _ in staged:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    for folder in folders.values():
        shutil.rmtree(folder, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the new file to disk (POSIX; elsewhere nothing to do)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sweep(folder: Path) -> None:
    """Remove temporary files and folders that a killed writer left in ``folder``: those of a
    process that no longer runs, untouched for a minute."""
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(TEMPORARY_PREFIX)]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(TEMPORARY_PREFIX) :].split("-")[0]
        if not pid.isascii() or not pid.isdigit() or _running(int(pid)):
            continue
        with contextlib.suppress(OSError):
            if time.time() - entry.stat(follow_symlinks=False).st_mtime < _STALE_AFTER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)


def _running(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # Windows' os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # someone else's process, or nothing we can ask about: leave it
    return True
