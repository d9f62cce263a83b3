"""Downloads against a local HTTP server: good file, wrong hash, truncated body, refused connection,
an archive already on disk, two sessions at once."""

from __future__ import annotations

import hashlib
import http.server
import io
import re
import shutil
import socket
import tarfile
import threading
import time
from collections import Counter

import pytest

from playground.datasets import DATASETS, download, load
from playground.datasets.download import DownloadError, Remote, fetch
from tests.train.fakes import write_cifar, write_mnist

GOOD = bytes(range(256)) * 40


class Handler(http.server.BaseHTTPRequestHandler):
    """/good/<f> serves the file, /slow/<f> too but over half a second, /bad/<f> the same size of
    other bytes, /short/<f> half of it under a Content-Length for all of it; anything else is 404.
    ``hits`` counts the requests per path."""

    files: dict[str, bytes] = {}
    hits: Counter = Counter()

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.hits[self.path] += 1
        kind, _, name = self.path.strip("/").partition("/")
        body = self.files.get(name)
        if body is None or kind not in ("good", "slow", "bad", "short"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if kind == "bad":
            body = bytes(len(body))
        if kind == "slow":
            for start in range(0, len(body), len(body) // 5):
                self.wfile.write(body[start:start + len(body) // 5])
                time.sleep(0.1)
            return
        self.wfile.write(body[: len(body) // 2] if kind == "short" else body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def remote(name: str, body: bytes, *urls: str, members: tuple[str, ...] = ()) -> Remote:
    Handler.files[name] = body
    md5, sha256 = hashlib.md5(body).hexdigest(), hashlib.sha256(body).hexdigest()
    return Remote(name, len(body), md5, sha256, urls, members)


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/file"


def test_a_good_file_is_written_with_progress_reports(server, tmp_path):
    seen = []
    source = remote("a.bin", GOOD, f"{server}/good/a.bin")
    assert fetch("test", tmp_path, progress=seen.append, sources=[source]) == [tmp_path / "a.bin"]
    assert (tmp_path / "a.bin").read_bytes() == GOOD
    assert seen[-1].done == seen[-1].total == len(GOOD) and seen[-1].filename == "a.bin"


def test_wrong_hash_falls_back_to_the_next_mirror(server, tmp_path):
    source = remote("b.bin", GOOD, f"{server}/bad/b.bin", f"{server}/missing/b.bin", f"{server}/good/b.bin")
    fetch("test", tmp_path, sources=[source])
    assert (tmp_path / "b.bin").read_bytes() == GOOD
    assert not list(tmp_path.glob("*.part"))


def test_every_mirror_failing_deletes_the_partial_file_and_says_why(server, tmp_path):
    source = remote("c.bin", GOOD, f"{server}/bad/c.bin", f"{server}/short/c.bin", f"{server}/missing/c.bin")
    with pytest.raises(DownloadError) as error:
        fetch("test", tmp_path, sources=[source])
    message = str(error.value)
    assert "checksum mismatch" in message and "incomplete" in message and "HTTP 404" in message
    assert str(tmp_path / "c.bin") in message
    assert list(tmp_path.iterdir()) == []


def test_refused_connection_is_reported_as_no_network_with_where_to_put_the_file(tmp_path):
    source = Remote("d.bin", 10, "0" * 32, "0" * 64, (refused_url(),))
    with pytest.raises(DownloadError, match="no network") as error:
        fetch("test", tmp_path, sources=[source], timeout=5)
    assert "no connection" in str(error.value) and str(tmp_path / "d.bin") in str(error.value)


def cifar_archive(folder) -> tuple[bytes, tuple[str, ...]]:
    """A generated CIFAR-10 binary archive and its member names."""
    write_cifar(folder, per_batch=2)
    members = tuple(f"cifar-10-batches-bin/{path.name}" for path in
                    (folder / "cifar-10-batches-bin").iterdir())
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        for member in members:
            tar.add(folder / member, arcname=member)
    return archive.getvalue(), members


def test_an_archive_is_verified_unpacked_member_by_member_and_removed(server, tmp_path):
    archive, members = cifar_archive(tmp_path / "made")
    source = remote("cifar.tar.gz", archive, f"{server}/good/cifar.tar.gz", members=members)
    written = fetch("test", tmp_path / "cifar10", sources=[source])
    assert sorted(p.name for p in written) == sorted(m.split("/")[1] for m in members)
    assert not (tmp_path / "cifar10" / "cifar.tar.gz").exists()
    assert load("cifar10", root=tmp_path).train_x.shape == (10, 3, 32, 32)


def test_an_archive_already_on_disk_that_does_not_match_is_deleted_and_fetched_again(server, tmp_path):
    archive, members = cifar_archive(tmp_path / "made")
    source = remote("cifar-again.tar.gz", archive, f"{server}/good/cifar-again.tar.gz", members=members)
    (tmp_path / "cifar10").mkdir()
    (tmp_path / "cifar10" / "cifar-again.tar.gz").write_bytes(archive[:-100])  # an interrupted copy
    fetch("test", tmp_path / "cifar10", sources=[source])
    assert Handler.hits["/good/cifar-again.tar.gz"] == 1
    assert load("cifar10", root=tmp_path).test_x.shape == (2, 3, 32, 32)


def test_a_bad_archive_on_disk_is_reported_and_deleted_when_no_mirror_answers(tmp_path):
    source = Remote("cifar.tar.gz", 10, "0" * 32, "0" * 64, (refused_url(),), members=("a/b.bin",))
    (tmp_path / "cifar.tar.gz").write_bytes(b"not the published archive")
    with pytest.raises(DownloadError) as error:
        fetch("test", tmp_path, sources=[source], timeout=5)
    assert f"{tmp_path / 'cifar.tar.gz'} (already on disk): incomplete or wrong file" in str(error.value)
    assert "deleted it" in str(error.value) and not (tmp_path / "cifar.tar.gz").exists()


def test_two_sessions_downloading_the_same_set_fetch_it_once(server, tmp_path):
    source = remote("e.bin", GOOD, f"{server}/slow/e.bin")
    failures = []

    def session() -> None:
        try:
            fetch("test", tmp_path, sources=[source])
        except DownloadError as error:
            failures.append(error)

    sessions = [threading.Thread(target=session) for _ in range(2)]
    for thread in sessions:
        thread.start()
    for thread in sessions:
        thread.join(timeout=30)
    assert failures == [] and Handler.hits["/slow/e.bin"] == 1
    assert (tmp_path / "e.bin").read_bytes() == GOOD and not list(tmp_path.glob("*.part"))


def test_load_with_download_fetches_only_the_missing_files(server, tmp_path, monkeypatch):
    made = write_mnist(tmp_path / "made", train=20, test=10, gz=True)
    sources = tuple(remote(p.name, p.read_bytes(), f"{server}/good/{p.name}") for p in sorted(made.iterdir()))
    monkeypatch.setitem(download.SOURCES, "mnist", sources)
    present = ["train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    (tmp_path / "mnist").mkdir()
    for name in present:
        shutil.copy(made / name, tmp_path / "mnist" / name)
    seen = []
    data = load("mnist", root=tmp_path, download=True, progress=seen.append)
    assert data.train_x.shape == (20, 1, 28, 28)
    fetched = {progress.filename for progress in seen}
    assert fetched == {"train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"}
    assert not any(Handler.hits[f"/good/{name}"] for name in present)


def test_the_pinned_table_covers_every_file_the_loader_reads():
    # every dataset read from files, none of those made here (digits, MNIST-1D)
    assert set(download.SOURCES) == set(DATASETS) - {"digits", "mnist1d", "mnist1d_shuffled"}
    for name, remotes in download.SOURCES.items():
        for source in remotes:
            assert re.fullmatch("[0-9a-f]{64}", source.sha256) and re.fullmatch("[0-9a-f]{32}", source.md5)
            assert source.size > 0 and source.urls, source.filename
            assert all(url.startswith("http") and url.endswith(f"/{source.filename}") for url in source.urls)
        published = {member for source in remotes for member in source.members} or {
            source.filename.removesuffix(".gz") for source in remotes}
        assert published == set(DATASETS[name].files), name
    assert len(download.SOURCES["mnist"][0].urls) == 2
