"""Fetch MNIST, Fashion-MNIST and CIFAR-10 from the public mirrors, verified before use.

Only on request (the page's Download button, the command line's ``--download``). Each file
streams to ``<name>.part`` with a progress callback, then must match its pinned size, MD5 and
SHA-256 before it is renamed into place; a partial or mismatched file is deleted and the next
mirror tried. When every mirror fails the error says why for each and where to put the files
by hand. The CIFAR-10 archive is unpacked member by member (only the seven expected regular
files, never an arbitrary path) and then removed; an archive already on disk (put there by
hand, or left by an interrupted unpack) is verified the same way first, and deleted and fetched
again if it does not match. One lock per dataset folder keeps two sessions that download the
same set at once from writing the same ``.part`` file: the second waits, then finds the files.
"""

from __future__ import annotations

import errno
import hashlib
import shutil
import socket
import tarfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from playground.datasets.images import DatasetError

CHUNK = 1 << 16
_LOCKS: dict[Path, threading.Lock] = {}  # one per dataset folder, made on first use
_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class Remote:
    """One published file: its mirrors in order of preference and its pinned digests."""

    filename: str
    size: int
    md5: str
    sha256: str
    urls: tuple[str, ...]
    members: tuple[str, ...] = ()  # for an archive: the files to unpack from it


@dataclass(frozen=True)
class Progress:
    filename: str
    done: int
    total: int


class DownloadError(DatasetError):
    """No mirror delivered a verified copy of a file."""


def _mirrors(filename: str, *bases: str) -> tuple[str, ...]:
    return tuple(f"{base}/{filename}" for base in bases)


_MNIST = ("https://ossci-datasets.s3.amazonaws.com/mnist", "https://storage.googleapis.com/cvdf-datasets/mnist")
_FASHION = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion")
_CIFAR = ("https://www.cs.toronto.edu/~kriz",)  # the authors' server; no verified second mirror is known

# ---------------------------------------------------------------------------------------------
# PINNED DIGESTS. Sizes and SHA-256 as published in TensorFlow Datasets' url_checksums
# (mnist.txt, fashion_mnist.txt, cifar10.txt); MD5 as published by torchvision (MNIST,
# Fashion-MNIST) and on the CIFAR-10 page. Never edit these to make a download pass.
# (filename, size in bytes, md5, sha256)
# ---------------------------------------------------------------------------------------------
_MNIST_DIGESTS = (
    ("train-images-idx3-ubyte.gz", 9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873",
     "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    ("train-labels-idx1-ubyte.gz", 28881, "d53e105ee54ea40749a09fcbcd1e9432",
     "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    ("t10k-images-idx3-ubyte.gz", 1648877, "9fb629c4189551a2d022fa330f9573f3",
     "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    ("t10k-labels-idx1-ubyte.gz", 4542, "ec29112dd5afa0611ce80d1b7f02629c",
     "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
)
_FASHION_DIGESTS = (
    ("train-images-idx3-ubyte.gz", 26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
     "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
    ("train-labels-idx1-ubyte.gz", 29515, "25c81989df183df01b3e8a0aad5dffbe",
     "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
    ("t10k-images-idx3-ubyte.gz", 4422102, "bef4ecab320f06d8554ea6380940ec79",
     "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
    ("t10k-labels-idx1-ubyte.gz", 5148, "bb300cfdad3c16e7a12a480ee83cd310",
     "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
)
_CIFAR_DIGESTS = (
    ("cifar-10-binary.tar.gz", 170052171, "c32a1d4ab5d03f1284b67883e8d87530",
     "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"),
)

SOURCES: dict[str, tuple[Remote, ...]] = {
    "mnist": tuple(Remote(f, s, m, h, _mirrors(f, *_MNIST)) for f, s, m, h in _MNIST_DIGESTS),
    "fashion-mnist": tuple(Remote(f, s, m, h, _mirrors(f, *_FASHION)) for f, s, m, h in _FASHION_DIGESTS),
    "cifar10": tuple(Remote(f, s, m, h, _mirrors(f, *_CIFAR), members=tuple(
        f"cifar-10-batches-bin/{name}" for name in (*(f"data_batch_{i}.bin" for i in range(1, 6)),
                                                     "test_batch.bin", "batches.meta.txt")))
        for f, s, m, h in _CIFAR_DIGESTS),
}


def fetch(name: str, folder: str | Path, progress: Callable[[Progress], None] | None = None,
          sources: Sequence[Remote] | None = None, timeout: float = 30.0) -> list[Path]:
    """Download the files of dataset ``name`` that ``folder`` lacks; return the paths written."""
    folder = Path(folder)
    remotes = SOURCES[name] if sources is None else sources
    folder.mkdir(parents=True, exist_ok=True)
    with _folder_lock(folder):
        return [path for remote in remotes for path in _fetch_one(remote, folder, progress, timeout)]


def _folder_lock(folder: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(folder.resolve(), threading.Lock())


def _fetch_one(remote: Remote, folder: Path, progress: Callable[[Progress], None] | None,
               timeout: float) -> list[Path]:
    target = folder / remote.filename
    if remote.members and all((folder / member).is_file() for member in remote.members):
        return []
    if not remote.members and (target.is_file() or target.with_suffix("").is_file()):
        return []
    notes = []
    if target.is_file():  # an archive: never unpack one that is not the published file
        problem = _verify(target, remote)
        if problem is not None:
            target.unlink()
            notes.append(f"  {target} (already on disk): {problem}; deleted it")
    if not target.is_file():
        _fetch_verified(remote, target, progress, timeout, notes)
    if not remote.members:
        return [target]
    written = _unpack(target, remote.members, folder)
    target.unlink()
    return written


def _fetch_verified(remote: Remote, target: Path, progress: Callable[[Progress], None] | None,
                    timeout: float, notes: list[str]) -> None:
    """Try each mirror until one delivers the verified file; ``notes`` lead the error otherwise."""
    failures = []
    for url in remote.urls:
        part = target.with_name(target.name + ".part")
        try:
            _stream(url, part, remote, progress, timeout)
            problem = _verify(part, remote)
        except OSError as error:  # URLError, HTTPError, timeouts and resets are all OSErrors
            problem = _describe(error)
        if problem is None:
            part.replace(target)
            return
        part.unlink(missing_ok=True)
        failures.append(f"  {url}: {problem}")
    offline = all("no connection" in line for line in failures)
    raise DownloadError(
        f"Could not download {remote.filename}:\n" + "\n".join(notes + failures) + "\n"
        + ("This machine seems to have no network. " if offline else "")
        + f"Download it elsewhere (it must be {remote.size:,} bytes with SHA-256 {remote.sha256}) "
          f"and copy it to {target}"
        + (f", or unpack it so that {target.parent / remote.members[0]} exists." if remote.members else "."))


def _stream(url: str, part: Path, remote: Remote, progress: Callable[[Progress], None] | None,
            timeout: float) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "training-playground"})
    with urllib.request.urlopen(request, timeout=timeout) as reply, part.open("wb") as out:
        total = int(reply.headers.get("Content-Length") or remote.size)
        done = 0
        while chunk := reply.read(CHUNK):
            out.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(Progress(remote.filename, done, total))


def _verify(path: Path, remote: Remote) -> str | None:
    """None when ``path`` is the published file, else what is wrong with it."""
    size = path.stat().st_size
    if size != remote.size:
        return f"incomplete or wrong file: {size:,} bytes, expected {remote.size:,}"
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with path.open("rb") as data:
        while block := data.read(1 << 20):
            md5.update(block)
            sha256.update(block)
    if sha256.hexdigest() != remote.sha256 or md5.hexdigest() != remote.md5:
        return f"checksum mismatch (SHA-256 {sha256.hexdigest()}, expected {remote.sha256})"
    return None


def _describe(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    reason = getattr(error, "reason", error)
    if isinstance(reason, (ConnectionError, socket.gaierror)) or \
            getattr(reason, "errno", None) in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return f"no connection ({reason})"
    if isinstance(reason, TimeoutError):
        return f"no connection (timed out after waiting for the server: {reason})"
    return f"failed ({reason})"


def _unpack(archive: Path, members: tuple[str, ...], folder: Path) -> list[Path]:
    """Extract exactly ``members`` (regular files) from a verified tar.gz into ``folder``."""
    written = []
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in members:
                info = tar.getmember(member)
                if not info.isreg():
                    raise DownloadError(f"{archive}: {member} is not a regular file")
                target = folder / member
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(info)
                assert source is not None, "a regular file has contents to extract"
                with source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
                written.append(target)
    except (tarfile.TarError, KeyError, EOFError, OSError) as error:
        raise DownloadError(f"{archive}: cannot unpack ({error})") from error
    return written
