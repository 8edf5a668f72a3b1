"""Files synthgate writes (reports and baselines): whole or not at all, never over an input.

Where an output goes depends on what its path names:

- ``-`` (or no path): standard output, streamed.
- a regular file, or nothing yet: the text goes to a temporary file beside the target, which
  :meth:`OutputFile.commit` renames over it, so that a reader never sees half a report. A
  symbolic link is followed: the link stays, the file it points to is replaced.
- a character device, a FIFO, or anything under ``/dev`` or ``/proc`` (``/dev/stdout``,
  ``/dev/null``): the text is collected in an unnamed temporary file and copied into the target
  in place on commit; the node itself is never replaced by a regular file.
- a directory, a path whose directory does not exist, or a file this run reads (a manifest,
  the policy, the configuration, the waivers file, the baseline): a :class:`UsageError` before
  anything is written.

Every :class:`OSError` while writing or committing (a full disk, a ``/proc`` file that takes no
text) is a :class:`UsageError` that names the path: exit code 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import stat
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TextIO, cast

from synthgate.errors import Terminated, UsageError

__all__ = ["OutputFile", "clean_exit_on_signals", "write_text"]

_IN_PLACE_ROOTS = ("/dev/", "/proc/")
"""Paths under these are written in place: their nodes are the kernel's, not files to replace."""


class _Sink(io.TextIOBase):
    """The stream a reporter writes to: text into a binary file, the first :class:`OSError`
    kept for :meth:`OutputFile.commit` to report rather than raised in the reporter (where it
    would look like a crash of the output format)."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        self.error: OSError | None = None

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if self.error is None:
            try:
                self._text.write(text)
            except OSError as exc:
                self.error = exc
        return len(text)

    def flush(self) -> None:
        if self.error is None and not self._text.closed:
            try:
                self._text.flush()
            except OSError as exc:
                self.error = exc

    @property
    def raw(self) -> IO[bytes]:
        """The binary file underneath, flushed."""
        self.flush()
        return self._text.buffer

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._text.close()
        super().close()


class OutputFile:
    """One output: text written to :attr:`stream` reaches ``path`` only on :meth:`commit`.

    ``inputs`` maps the files this run reads to what each is (``"manifest"``, ``"policy"``,
    ...); an output that is one of them (the same file, by device and inode, however the path
    is spelt or linked) is refused. ``label`` says in messages which option named the path.
    """

    def __init__(
        self, path: str, *, inputs: Mapping[Path, str] | None = None, label: str = "output"
    ) -> None:
        self.path = path
        self.label = label
        self._tmp: str | None = None  # the named temporary file beside a regular target
        self._target: Path | None = None  # the regular file the temporary file replaces
        self._mode = 0o666 & ~_umask()
        existing = _stat(path, label)
        if existing is not None and stat.S_ISDIR(existing.st_mode):
            raise UsageError(f"cannot write {label} '{path}': it is a directory")
        if existing is not None and inputs:
            _refuse_inputs(path, existing, inputs, label)
        in_place = existing is not None and (
            not stat.S_ISREG(existing.st_mode) or os.path.abspath(path).startswith(_IN_PLACE_ROOTS)
        )
        if in_place:
            import tempfile

            # Unnamed: nothing is left behind, however the process ends.
            raw: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by commit/discard)
        else:
            target = Path(os.path.realpath(path))  # through symbolic links, dangling ones too
            if not target.parent.is_dir():
                raise UsageError(f"cannot write {label} '{path}': its directory does not exist")
            if existing is not None:
                self._mode = stat.S_IMODE(existing.st_mode)
            raw = self._named_temporary(target)
        self.stream: TextIO = cast(TextIO, _Sink(raw))
        self._in_place = in_place

    def _named_temporary(self, target: Path) -> IO[bytes]:
        import tempfile

        try:
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
        except OSError as exc:
            raise self._error(exc) from None
        self._target = target
        return os.fdopen(fd, "wb")

    def _error(self, exc: OSError) -> UsageError:
        return UsageError(
            f"cannot write {self.label} '{self.path}': {exc.strerror or exc}",
            "nothing was written there; choose another path, or free space on its disk",
        )

    def commit(self) -> None:
        """Put the text in place: rename the temporary file over the target, or copy it into
        a device or FIFO. Raises :class:`UsageError` (and leaves a regular target as it was)
        on any :class:`OSError`."""
        sink = cast(_Sink, self.stream)
        try:
            raw = sink.raw
            if sink.error is not None:
                raise sink.error
            if self._in_place:
                raw.seek(0)
                with open(self.path, "wb") as target:
                    while chunk := raw.read(1 << 16):
                        target.write(chunk)
            else:
                assert self._tmp is not None
                assert self._target is not None
                os.fsync(raw.fileno())
                with contextlib.suppress(OSError):  # a file system without modes
                    os.chmod(self._tmp, self._mode)
                sink.close()
                os.replace(self._tmp, self._target)
                self._tmp = None
        except OSError as exc:
            raise self._error(exc) from None
        finally:
            self.discard()

    def discard(self) -> None:
        """Drop the text: the target is left as it was. Safe to call more than once."""
        cast(_Sink, self.stream).close()
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)
            self._tmp = None


def write_text(
    path: str, text: str, *, inputs: Mapping[Path, str] | None = None, label: str = "output"
) -> None:
    """Write ``text`` to ``path`` whole or not at all, as :class:`OutputFile` does."""
    output = OutputFile(path, inputs=inputs, label=label)
    try:
        output.stream.write(text)
        output.commit()
    finally:
        output.discard()


def _stat(path: str, label: str) -> os.stat_result | None:
    """What ``path`` names, through symbolic links; None if nothing (or a dangling link)."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:  # a name too long, a loop of links, a directory not searchable
        raise UsageError(f"cannot write {label} '{path}': {exc.strerror or exc}") from None


def _refuse_inputs(
    path: str, existing: os.stat_result, inputs: Mapping[Path, str], label: str
) -> None:
    for candidate, kind in inputs.items():
        try:
            same = os.path.samestat(existing, os.stat(candidate))
        except OSError:
            continue
        if same:
            raise UsageError(
                f"{label} '{path}' is the {kind} '{candidate}' this run reads; nothing was written",
                "write the output to another file",
            )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def clean_exit_on_signals() -> Iterator[None]:
    """While outputs are open: SIGTERM and SIGHUP raise :class:`Terminated`, so that the
    ``finally`` blocks that discard temporary files run (as they do for Ctrl-C)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can be set only in the main thread
        return

    def terminate(signum: int, _frame: object) -> None:
        raise Terminated(signum)

    previous: dict[int, object] = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, terminate)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]
