"""The regularization lab in a real browser: a linked run draws its charts, the boundary replays
training in the browser with no message to the server until it stops, and the epoch it stops on
lands in the link; a toggle retrains and lands in the link, a tiny optimizer ε reads as it is, and
a broken upload ends in a message on the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_lab_trains_draws_plays_toggles_and_rejects_a_bad_csv(page, base_url, tmp_path):
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1)))
    page.goto(base_url)  # a first visit, so the app's pages are registered before we open one by its link
    wait_for_app(page)
    page.goto(f"{base_url}/regularization?epochs=120&hidden=32,32&compare=true&es=true&patience=10")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    assert main.get_by_text("Regularization lab").first.is_visible()
    main.get_by_text("B: regularized: Early stopping ended training at epoch").first.wait_for()
    charts = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
    charts.nth(6).wait_for()  # the browser draws them one by one: wait for the seventh, not the first
    assert charts.count() >= 7  # 2 histogram panels, 2 restored boundaries, 2 curves, norm
    players = page.locator(".player")
    players.nth(1).locator(".stage canvas").wait_for()
    assert players.count() == 2  # a boundary player for A and for B
    label = players.first.locator(".label")
    last = int(label.inner_text().split("/")[1])
    assert label.inner_text() == f"epoch {last} / {last}"

    play = page.locator(".player .play").first
    before = len(sent)
    play.click()  # from the end, Play replays training from epoch 0
    seen = set()
    for _ in range(8):
        page.wait_for_timeout(200)
        seen.add(label.inner_text())
    assert len(sent) == before and len(seen) >= 5  # the boundary moved on, and the server heard nothing
    play.click()  # Pause: that epoch goes to the server, into the link, and the weights below follow
    page.wait_for_function("() => /[?&]epoch=\\d+/.test(window.location.search)", timeout=30_000)
    epoch = int(re.search(r"epoch=(\d+)", page.url).group(1))
    wait_for_app(page)
    assert 0 <= epoch < last and label.inner_text() == f"epoch {epoch} / {last}"
    assert main.get_by_text(f"A: no regularization, epoch {epoch}").count() == 1
    page.get_by_test_id("stSidebar").get_by_text("L2 λ", exact=True).click()
    wait_for_app(page)
    assert "l2=true" in page.url
    expect(main.locator(".katex").first).to_contain_text("0.003")  # the L2 term joined the objective
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Adam hyperparameters").click()
    epsilon = sidebar.get_by_role("spinbutton", name="epsilon ε")
    expect(epsilon).to_have_value("1e-8")  # the browser shows the tiny default, not "0.00"
    page.set_viewport_size({"width": 1400, "height": 3400})  # the app scrolls inside; show all of it
    wait_for_app(page)
    screenshot(page, "regularization_lab")

    bad = tmp_path / "broken.csv"
    bad.write_bytes("x,label\n1,café\n".encode("latin-1"))
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="your CSV").click()
    wait_for_app(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(bad))
    wait_for_app(page)
    main.get_by_text("broken.csv: The file is not UTF-8 text").first.wait_for()  # fails if it never shows

    good = tmp_path / "iris_like.csv"
    rows = [f"{i % 7},{(i * 3) % 5},{'ab'[i % 2]}" for i in range(40)]
    good.write_text("petal,sepal,kind\n" + "\n".join(rows) + "\n")
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(good))
    wait_for_app(page)
    main.get_by_text("val accuracy").first.wait_for()  # trained on the uploaded data
    assert not main.get_by_test_id("stException").count()
