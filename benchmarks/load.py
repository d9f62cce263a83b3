"""A class on one server: N sessions through a scripted lesson, against ``streamlit run``.

Each session opens the race's link, changes Adam's learning rate, drags the step scrubber, goes
to the lab and switches dropout on, opens the first step of the ravine lesson and predicts (the
race runs and reveals); the first ``--launchers`` of them also launch a short digits run on
Training runs and wait for its results, and every other session opens Training runs and must
see no run (a run shown to a session that did not launch it is a leak).
Sessions start ``--stagger`` seconds apart, as a class opening a link does. With ``--replicas N``
the class is served by N ``streamlit run`` processes, each student staying on one of them (student
i on replica i mod N), as behind a load balancer with sticky sessions (README, Hosting): each
replica is one interpreter, so N of them use N cores for the pages.

Two drivers. ``--driver wire`` (the default) speaks Streamlit's websocket protocol
(``benchmarks/_wire.py``): each session costs the client next to nothing, so thirty of them on a
2-core machine measure the server; time to result is from the change to the server's
``script_finished``, and each session checks that its link and page carry its own values (its own
learning rate, its own step). ``--driver browser`` runs each session in its own Chromium context
and times to the page settling, browser drawing included; on this machine a few browsers already
saturate the cores, so it is for small classes.

Printed: per action the p50 and p95 seconds, errors, leaks, and the server's memory (its whole
process tree: web process and training workers) at baseline, at peak, and ``--linger`` seconds
after the sessions leave. Baseline, measured in the same run: one session alone through the same
lesson before the class arrives (after a first one has warmed the server).
Goals (issue 9, 30 sessions on the 2-core VM): p95 race lr change ≤ 2 s, lab rerun ≤ 5 s, zero
errors, zero leaks, memory after ``--linger`` within 10% of baseline.
Run: ``python benchmarks/load.py --sessions 30`` (``--driver browser`` needs Chromium).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

from _wire import WireSession
from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from playground.lessons import LESSONS  # noqa: E402 - after the repository joins the path
from playground.ui.i18n import catalogue  # noqa: E402
from playground.ui.pages import PAGES  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT = 180_000  # ms any one action may take before it counts as an error
# The lesson every student opens: its first step's link, the radio they answer, the right choice.
_FIRST = LESSONS["ravine"].steps[0]
LESSON_LINK = urlencode({**_FIRST.query, "v": "2", "lesson": "ravine.1"})
#: The short digits run the launchers train (the page's own default is a 100-epoch MNIST-1D run).
DIGITS_RUN = "dataset=digits&epochs=3&lr=0.001&batch=128&v=2"
GUESS_KEY, RIGHT = "_lesson.ravine.1.guess", _FIRST.expect
RIGHT_TEXT, PREDICT_TEXT = catalogue("en")["lesson.right"], catalogue("en")["lesson.predict"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    family, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, p in parents.items() if p == parent and child not in family]
        family.update(children)
        frontier += children
    total = 0
    for member in family:
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


async def settle(page: Page) -> None:
    await page.wait_for_timeout(250)  # the script-state attribute turns "running" just after an action
    await page.wait_for_selector(SETTLED, state="attached", timeout=TIMEOUT)


async def timed(times: dict[str, list[float]], name: str, action) -> None:
    started = time.perf_counter()
    await action()
    times[name].append(time.perf_counter() - started)


async def wire_lesson(url: str, launch: bool, times: dict[str, list[float]], problems: list[str],
                      leaks: list[str], number: int) -> None:
    """The lesson over the websocket protocol; each student types their own learning rate and
    stops on their own step, and must find exactly those in their link."""
    session = WireSession(url)
    lr, step = round(0.05 + 0.0001 * number, 4), 100 + number
    try:
        await session.connect()
        times["open the race link"].append(await session.open(PAGES["race"].url_path, "surface=rosenbrock"))
        # to the updated loss chart: the table's torch.optim badge follows it ("checking…" until then)
        lr_box = session.widget(key="race.Adam.lr")
        times["change Adam's lr"].append(await session.set(lr_box, lr, until="vega_lite_chart"))
        player = session.widget(key="race.player")
        times["drag the scrubber"].append(await session.set(player, ("stop", step)))
        link = session.query_string
        if f"Adam.lr={lr!r}" not in link or f"step={step}" not in link:
            leaks.append(f"session {number} asked for lr {lr} and step {step}; its link: {link}")
        times["open the lab"].append(await session.open(PAGES["lab"].url_path))
        times["switch dropout on"].append(await session.set(session.widget(key="lab.dropout"), True))
        # from another page, as a student follows the lesson's link (the race's settings come from it)
        times["open a lesson link"].append(await session.open(PAGES["race"].url_path, LESSON_LINK))
        guess = session.widget(key=GUESS_KEY)
        times["predict, run and reveal"].append(await session.set(guess, guess.proto.options[RIGHT]))
        if RIGHT_TEXT not in session.texts():
            problems.append(f"session {number}: the lesson did not reveal its answer")
        times["open Training runs"].append(await session.open(PAGES["runs"].url_path, DIGITS_RUN))
        if launch:
            started = time.perf_counter()
            await session.set(session.widget(label="Launch run"), True)
            await session.wait_for(lambda s: "Test accuracy" in s.metrics(), TIMEOUT / 1000)
            times["train digits to results"].append(time.perf_counter() - started)
            shown = list(session.widget(key="runs.shown").proto.options)
            if len(shown) != 1:
                leaks.append(f"session {number} launched one run and is shown {len(shown)}: {shown}")
        elif "Results" in session.texts():
            leaks.append(f"session {number} launched nothing but sees results")
        problems.extend(f"session {number}: {message}" for message in session.exceptions)
    except Exception as error:  # noqa: BLE001 - a benchmark reports every failure and goes on
        problems.append(f"session {number}: {type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        await session.close()


async def lesson(browser: Browser, url: str, launch: bool, times: dict[str, list[float]],
                 problems: list[str], leaks: list[str], number: int) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)  # a slow widget under load is slow, not an error, up to TIMEOUT
    page = await context.new_page()
    try:
        def prediction():  # the lesson's question (the sidebar has radios of its own)
            return page.get_by_test_id("stRadio").filter(has_text=PREDICT_TEXT)

        async def open_lesson() -> None:
            await page.goto(f"{url}/race?{LESSON_LINK}")
            await prediction().get_by_test_id("stRadioOption").first.wait_for(timeout=TIMEOUT)
            await settle(page)

        async def predict() -> None:
            await prediction().get_by_test_id("stRadioOption").nth(RIGHT).click()
            await page.get_by_text(RIGHT_TEXT).wait_for(timeout=TIMEOUT)
            await settle(page)

        async def open_link() -> None:
            await page.goto(f"{url}/race?surface=rosenbrock")
            await page.get_by_role("heading", name="Optimizer race").first.wait_for(timeout=TIMEOUT)
            await settle(page)

        async def change_lr() -> None:
            await page.get_by_text("⚙️ Adam").first.click()
            box = page.get_by_label("learning rate").last
            await box.fill("0.05")
            await box.press("Enter")
            await settle(page)

        async def drag_scrubber() -> None:
            thumb = page.locator(".player .scrub")  # the map player's scrubber (runs in the browser)
            await thumb.focus()
            for _ in range(5):
                await thumb.press("ArrowLeft")
            await settle(page)

        async def open_lab() -> None:
            await page.get_by_role("link", name="Regularization lab").first.click()
            await page.get_by_role("heading", name="Regularization lab").first.wait_for(timeout=TIMEOUT)
            await settle(page)

        async def toggle_dropout() -> None:
            await page.get_by_text("Dropout p").first.click()
            await settle(page)

        async def runs_page() -> None:
            await page.goto(f"{url}/{PAGES['runs'].url_path}?{DIGITS_RUN}")
            await page.get_by_role("heading", name="Training runs").first.wait_for(timeout=TIMEOUT)
            await settle(page)

        async def train_digits() -> None:
            await page.get_by_role("button", name="Launch run").click()
            await page.get_by_text("Test accuracy", exact=True).first.wait_for(timeout=TIMEOUT)
            await settle(page)

        for name, action in (("open the race link", open_link), ("change Adam's lr", change_lr),
                             ("drag the scrubber", drag_scrubber), ("open the lab", open_lab),
                             ("switch dropout on", toggle_dropout), ("open a lesson link", open_lesson),
                             ("predict, run and reveal", predict), ("open Training runs", runs_page)):
            await timed(times, name, action)
        if launch:
            await timed(times, "train digits to results", train_digits)
            shown = await page.get_by_text("#", exact=False).filter(has_text="digits ·").count()
            if shown > 2:  # the run's label in the picker and in its heading, nothing of anyone else's
                leaks.append(f"session {number} sees {shown} run labels")
        elif await page.get_by_role("heading", name="Results").count():
            leaks.append(f"session {number} launched nothing but sees results")
        errors = await page.locator("[data-testid='stException']").count()
        if errors:
            problems.append(f"session {number}: {errors} exception(s) on the page")
    except Exception as error:  # noqa: BLE001 - a benchmark reports every failure and goes on
        problems.append(f"session {number}: {type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        await context.close()


async def class_of(urls: list[str], driver: str, sessions: int, launchers: int, stagger: float,
                   times: dict[str, list[float]], problems: list[str], leaks: list[str]) -> None:
    """``sessions`` students through the lesson at once, student i on ``urls[i % len(urls)]``;
    with ``sessions=-1``, the baseline: one student alone on the first, who also trains."""
    async def everyone(one) -> None:
        if sessions < 0:
            await one(urls[0], True, times, problems, leaks, 0)
            return

        async def student(i: int) -> None:
            await asyncio.sleep(i * stagger)
            await one(urls[i % len(urls)], i < launchers, times, problems, leaks, i + 1)

        await asyncio.gather(*(student(i) for i in range(sessions)))

    if driver == "wire":
        await everyone(wire_lesson)
        return
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        await everyone(lambda *args: lesson(browser, *args))
        await browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--driver", choices=("wire", "browser"), default="wire",
                        help="the websocket protocol (the server's time) or Chromium (the browser's too)")
    parser.add_argument("--launchers", type=int, default=4)
    parser.add_argument("--stagger", type=float, default=1.0, help="seconds between sessions arriving")
    parser.add_argument("--linger", type=float, default=120.0, help="seconds to wait after they leave")
    parser.add_argument("--replicas", type=int, default=1,
                        help="streamlit processes sharing the class, each student sticking to one")
    args = parser.parse_args()
    urls = [f"http://127.0.0.1:{free_port()}" for _ in range(args.replicas)]
    servers = [subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
         f"--server.port={url.rsplit(':', 1)[1]}", "--server.address=127.0.0.1",
         "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for url in urls]

    def memory() -> float:
        return sum(tree_rss_mb(server.pid) for server in servers)

    try:
        for url in urls:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.3)
        alone: dict[str, list[float]] = defaultdict(list)
        times: dict[str, list[float]] = defaultdict(list)
        problems: list[str] = []
        leaks: list[str] = []
        # a first student warms each server (imports, caches, workers); the baseline is a second one alone
        for url in urls:
            asyncio.run(class_of([url], args.driver, -1, 1, 0.0, defaultdict(list), problems, leaks))
        asyncio.run(class_of(urls, args.driver, -1, 1, 0.0, alone, problems, leaks))
        baseline = memory()
        peak = [baseline]
        done = asyncio.Event()

        async def watch_memory() -> None:
            while not done.is_set():
                peak.append(memory())
                await asyncio.sleep(0.5)

        async def run() -> None:
            watcher = asyncio.create_task(watch_memory())
            try:
                await class_of(urls, args.driver, args.sessions, args.launchers, args.stagger, times,
                               problems, leaks)
            finally:
                done.set()
                await watcher

        started = time.perf_counter()
        asyncio.run(run())
        took = time.perf_counter() - started
        time.sleep(args.linger)
        after = memory()
        print(f"{args.sessions} {args.driver} sessions ({args.launchers} training digits), "
              f"{args.stagger:g} s apart, on {os.cpu_count()} cores, {args.replicas} replica(s); "
              f"the class took {took:.0f} s")
        until = "the server's result" if args.driver == "wire" else "the page settled"
        print(f"  {'action':26} {'alone':>7} {'p50':>7} {'p95':>7}  (seconds to {until})")
        for name, values in times.items():
            p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
            base = alone[name][0] if alone.get(name) else float("nan")
            print(f"  {name:26} {base:7.2f} {statistics.median(values):7.2f} {p95:7.2f}  (n={len(values)})")
        print(f"  errors: {len(problems)}" + "".join(f"\n    {p}" for p in problems[:10]))
        print(f"  leaks: {len(leaks)}" + "".join(f"\n    {leak}" for leak in leaks[:10]))
        print(f"  server memory (web processes and workers): baseline {baseline:.0f} MB after one student, "
              f"peak {max(peak):.0f} MB, {args.linger:.0f} s after the class left {after:.0f} MB "
              f"({after / baseline - 1:+.0%})")
        return 0
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
