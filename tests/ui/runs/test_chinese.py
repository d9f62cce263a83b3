"""The Training runs page in Chinese: its labels, choices, captions, charts and a finished run's
results read in Chinese while the link keeps its language-independent values; what the training
and dataset modules say (by key) reads in English as they always wrote it, and in Chinese in Chinese:
a run's ending, the server's caps and refusals, a device, a damaged dataset file."""

from __future__ import annotations

import json
import re
import threading

import pytest
import torch

from playground.datasets import load
from playground.datasets.images import DamagedFileError, read_idx
from playground.i18n import SaidError
from playground.train import RunConfig, train
from playground.train.device import describe
from playground.train.loop import failed
from playground.train.runs import Limits, QueueFullError, RunQueue
from playground.ui import i18n
from playground.ui.i18n import catalogue
from playground.ui.runs.messages import class_name
from tests.train.fakes import write_mnist
from tests.ui.helpers import open_page
from tests.ui.runs.test_page import metric, poll

PAGE = "runs"
ZH = catalogue("zh")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def chart_specs(at):
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def launch(at):
    next(b for b in at.button if b.label == "开始训练").click()
    return at.run()


def test_the_sidebar_and_the_page_read_in_chinese_and_the_link_keeps_its_values():
    at = open_page(PAGE, lang="zh", dataset="digits", model="cnn", schedule="warmup_cosine", backend="torch",
                   epochs="3", batch="128")
    assert not at.exception and not at.error
    sidebar = at.sidebar
    labels = {widget.label for widget in [*sidebar.selectbox, *sidebar.number_input, *sidebar.slider]}
    assert {"数据集", "模型", "优化器", "学习率", "训练轮数", "学习率调度", "预热（占整个训练的比例）",
            "标签平滑"} <= labels
    dataset = at.selectbox(key="runs.dataset")
    assert dataset.value == "digits" and dataset.options[:3] == [ZH["runs.datasets.mnist1d"],
                                                                   ZH["runs.datasets.mnist1d_shuffled"],
                                                                   ZH["runs.datasets.digits"]]
    assert at.selectbox(key="runs.model").options[1] == "小型 CNN"
    assert at.radio(key="runs.backend").options == ["我们从零实现的", "torch.optim"]
    assert [b.label for b in at.button if b.label == "开始训练"]
    (title,) = [spec["layer"][0]["title"] for spec in chart_specs(at)]
    assert title == "η(t)：每个优化步的学习率"
    assert any(c.value.startswith("这次训练全部 33 个优化步") and "预热 + 余弦（warmup_cosine）" in c.value
               for c in at.caption)
    assert {name: at.query_params[name] for name in ("lang", "model", "schedule", "backend")} == {
        "lang": "zh", "model": "cnn", "schedule": "warmup_cosine", "backend": "torch"}


def test_a_language_switch_keeps_every_choice_and_the_link():
    at = open_page(PAGE, lang="zh", model="cnn", schedule="cosine", device="cpu")
    (switch,) = [g for g in at.button_group if g.key == "_i18n.lang"]
    switch.set_value("en").run()
    model, schedule = at.selectbox(key="runs.model"), at.selectbox(key="runs.schedule")
    assert model.value == "cnn" and schedule.value == "cosine" and model.options[1] == "Small CNN"
    assert {name: at.query_params[name] for name in ("model", "schedule", "device")} == {
        "model": "cnn", "schedule": "cosine", "device": "cpu"}
    assert not at.exception


def test_a_finished_run_reads_in_chinese():
    at = launch(open_page(PAGE, lang="zh", dataset="digits", epochs="1", lr="0.003", batch="64",
                          device="cpu"))
    poll(at, lambda at: metric(at, "测试准确率") is not None)
    assert not at.exception
    assert any(s.value.startswith("完成 1 轮训练，用时") for s in at.success)
    assert any(c.value.startswith("在 CPU（") for c in at.caption)
    assert [b.label for b in at.get("download_button")] == [
        "指标（CSV）", "指标（JSON）", "权重（safetensors）"]
    titles = {json.dumps(spec, ensure_ascii=False) for spec in chart_specs(at)}
    assert any("混淆矩阵（行：真实类别）" in spec and "预测类别" in spec for spec in titles)
    assert any('"训练集"' in spec and '"测试集"' in spec and "准确率" in spec for spec in titles)
    assert any(m.value == "**分类错误的测试图像**：预测（真实）" for m in at.markdown)
    assert all(CHINESE.search(c.value) for c in at.caption)


@pytest.fixture
def chinese(monkeypatch):
    """``t`` outside a page answers in English: make it answer in Chinese."""
    monkeypatch.setattr(i18n, "language", lambda: "zh")


@pytest.fixture(scope="module")
def said():
    """What the training modules say, each produced for real."""
    digits = load("digits")

    def run(stop=False, **settings):
        config = RunConfig(**{"dataset": "digits", "device": "cpu", "epochs": 1, **settings})
        return train(config, data=digits, should_stop=lambda: stop).message

    # diverged (with and without clipping), finished, early-stopped, stopped before training began
    things = [run(optimizer="SGD", lr=1e30), run(optimizer="SGD", lr=1e30, clip=1.0), run(),
              run(optimizer="SGD", lr=0.5, epochs=20, patience=1), run(stop=True),
              describe(torch.device("cpu"))]
    things += Limits(hosted=True).apply(RunConfig(epochs=9))[1]
    with pytest.raises(SaidError) as refused:
        RunConfig(dataset="digits", model="fast").validate()
    things.append(refused.value.said)
    release = threading.Event()

    def waiting(config, callback, should_stop, data=None):
        release.wait(10)
        return failed(config, RuntimeError("released"))

    queue = RunQueue(Limits(max_running=1, max_per_session=1, max_queued=1), trainer=waiting)
    queue.submit("a", RunConfig())
    for owner in ("a", "b", "c"):  # a is at its own limit; b waits; c finds the queue full
        try:
            queue.submit(owner, RunConfig())
        except QueueFullError as error:
            things.append(error.said)
    release.set()
    return things


def test_what_the_modules_say_reads_in_english_as_they_always_wrote_it(said):
    english = [str(thing) for thing in said]
    assert len(english) == 11
    assert english[0] == ("Training diverged at step 2 (epoch 1): the loss became nan. The learning rate "
                          "1e+30 is too high for SGD here; try 1e+29, or turn on gradient clipping.")
    assert english[1].endswith("is too high for SGD here; try 1e+29.")
    assert re.fullmatch(r"Finished 1 epoch in [0-9.]+ s: test accuracy \d+\.\d%\.", english[2])
    assert re.fullmatch(r"Early stopping after epoch \d+: the validation loss has not improved for 1 epochs; "
                        r"restored epoch \d+'s weights\.", english[3])
    assert english[4] == "Stopped by request while moving the data to the device, before training began."
    assert re.fullmatch(r"CPU \((1 thread|\d+ threads)\)", english[5])
    assert english[6:] == [
        "Hosted mode: epochs capped at 5.", "Hosted mode: at most 10,000 training and 2,000 test images.",
        "the fast CIFAR net needs images of at least 24×24 pixels; digits are 8×8: use the MLP or the CNN",
        "You already have 1 run(s) queued or training (the limit per session is 1); stop one or wait for it "
        "to finish.",
        "The server is busy: 1 runs are already waiting for 1 training slot(s), the most it queues. Try "
        "again in a few minutes."]


def test_what_the_modules_say_reads_in_chinese(said):
    for thing in said:
        assert CHINESE.search(thing.text("zh")) and not re.search(r"[a-z]{4}", thing.text("zh").replace(
            "digits", "")), thing  # no English word left (digits is the dataset's name)
    assert said[0].text("zh").startswith("训练在第 2 步（第 1 轮）发散：损失变成了 nan。学习率 1e+30")
    assert said[4].text("zh") == "已按请求停止（正在把数据搬到设备上时），训练还没有开始。"
    assert said[7].text("zh") == "托管模式：最多使用 10,000 张训练图像和 2,000 张测试图像。"


def test_a_failure_keeps_the_exceptions_own_words_and_says_ours_in_chinese(tmp_path):
    assert failed(RunConfig(), RuntimeError("something odd")).message.text("zh") == "训练失败：something odd"
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(b"")
    with pytest.raises(DamagedFileError) as damaged:
        read_idx(path, 2051)
    assert failed(RunConfig(), damaged.value).message.text("zh") == (
        f"训练失败：{path}：文件为空，或比 IDX 文件头还短（0 字节）")


def test_a_damaged_file_and_the_class_names_read_in_chinese(tmp_path, chinese):
    path = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x05\x01")
    with pytest.raises(DamagedFileError) as damaged:
        read_idx(path, 2049)
    assert str(damaged.value) == (
        f"{path}: truncated: the header promises 5 values (13 bytes) but the file holds 9 bytes")
    assert damaged.value.said.text("zh") == (
        f"{path}：文件被截断：文件头声明有 5 个值（13 字节），但文件只有 9 字节")
    names = ("T-shirt/top", "Ankle boot", "truck", "7")
    assert [class_name(name) for name in names] == ["T恤/上衣", "短靴", "卡车", "7"]


def test_the_page_says_a_damaged_file_in_chinese(monkeypatch, tmp_path):
    labels = write_mnist(tmp_path / "mnist", train=20, test=10) / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:-4])  # a download cut short
    monkeypatch.setenv("PLAYGROUND_DATA", str(tmp_path))
    at = open_page(PAGE, lang="zh", dataset="mnist")
    (damaged,) = [e.value for e in at.error]
    assert damaged.startswith(f"mnist 的数据文件已损坏：{labels}：gzip 数据损坏或被截断（"), damaged
    assert not at.exception


def test_the_page_refuses_impossible_settings_in_chinese():
    at = launch(open_page(PAGE, lang="zh", dataset="digits", model="fast"))
    assert [e.value for e in at.error] == [ZH["runs.messages.fast_needs_large"]]
    assert not at.exception
