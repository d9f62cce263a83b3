"""The regularization lab page, driven through Streamlit's AppTest with short runs."""

from __future__ import annotations

from tests.pages.helpers import open_page

PAGE = "regularization_lab.py"
FAST = {"epochs": "150", "hidden": "32,32"}


def metrics(at) -> dict[str, float]:
    return {m.label: float(m.value) for m in at.metric if m.label in ("train loss", "val loss", "gap",
                                                                        "val accuracy", "weight norm",
                                                                        "zero weights")}


def layer_zeros(at, table: int = 0) -> int:
    return int(at.dataframe[table].value["exact zeros"].sum())


def test_default_page_overfits_and_shows_numbers_tables_and_code():
    at = open_page(PAGE, **FAST)
    assert not at.exception and not at.error
    numbers = metrics(at)
    assert numbers["gap"] > 0.3 and numbers["train loss"] < 0.1 and numbers["zero weights"] == 0
    assert list(at.dataframe[0].value.index) == ["hidden 1", "hidden 2", "output"]
    assert "No regularizer is on" in " ".join(c.value for c in at.caption)
    assert "torch.optim.Adam(" in at.code[0].value and "nn.Linear(2, 32)" in at.code[0].value
    assert at.session_state["lab.runs"]["run"].epochs_run == 150


def test_l1_zeroes_weights_and_l2_shrinks_them_when_toggled():
    at = open_page(PAGE, opt="SGD", lr="0.2", **FAST)
    before = metrics(at)
    at.toggle(key="lab.l1").set_value(True).run()
    assert not at.exception
    after_l1 = metrics(at)
    assert after_l1["zero weights"] > 100 and layer_zeros(at) == after_l1["zero weights"]
    assert "proximal step" in " ".join(c.value for c in at.caption)
    at.toggle(key="lab.l1").set_value(False).run()
    at.toggle(key="lab.l2").set_value(True).run()
    after_l2 = metrics(at)
    assert after_l2["zero weights"] == 0 and after_l2["weight norm"] < before["weight norm"]
    assert at.query_params["l2"] == "true" and "l1" not in at.query_params


def test_dropout_batchnorm_and_early_stopping_each_change_the_page():
    at = open_page(PAGE, epochs="120", hidden="32,32", compare="true", dropout="true")
    table = at.dataframe[0].value  # the A/B summary
    assert list(table.index) == ["A: no regularization", "B: regularized"]
    gap = "gap (val − train loss)"
    assert table.loc["B: regularized", gap] < table.loc["A: no regularization", gap]
    baseline = at.session_state["lab.runs"]["A: no regularization"]
    at.toggle(key="lab.bn").set_value(True).run()
    assert any("Batch normalization" in h.value for h in at.subheader)
    mode_gap = [m for m in at.metric if m.label.startswith("mean |train-mode output")]
    assert mode_gap and float(mode_gap[0].value) > 0
    at.toggle(key="lab.es").set_value(True).run()
    stop = [i.value for i in at.info if "Early stopping ended training" in i.value]
    assert stop and "restored its weights" in stop[0]
    runs = at.session_state["lab.runs"]
    assert runs["B: regularized"].stopped_epoch < 120
    assert runs["A: no regularization"] is baseline  # the baseline was trained once, then reused


def test_settings_come_from_the_link_and_bad_values_are_reported():
    at = open_page(PAGE, data="blobs", n="90", opt="Momentum", momentum_momentum="0.5", epochs="oops",
                   hidden="16", act="tanh")
    assert not at.exception
    assert at.selectbox(key="lab.data").value == "blobs" and at.selectbox(key="lab.act").value == "tanh"
    assert at.number_input(key="lab.n").value == 90 and at.number_input(key="lab.epochs").value == 400
    assert any("Ignored `epochs=oops`" in w.value for w in at.warning)
    run = at.session_state["lab.runs"]["run"]
    assert run.config.optimizer == "Momentum" and run.config.knobs == {"momentum": 0.5}
    assert run.confusion.shape == (3, 3)


def test_user_errors_end_in_messages_not_tracebacks():
    at = open_page(PAGE, data="plane", opt="SGD", lr="10.0", hidden="64,abc", epochs="50")
    assert not at.exception
    assert any("whole numbers separated by commas" in e.value for e in at.error)
    at.text_input(key="lab.hidden").set_value("16").run()
    assert not at.exception and not at.error
    assert any("Diverged at epoch" in w.value for w in at.warning)
    at.toggle(key="lab.bn").set_value(True).run()
    at.number_input(key="lab.batch").set_value(1).run()
    assert any("batches of at least 2" in e.value for e in at.error)
    at.selectbox(key="lab.data").set_value("your CSV").run()
    assert any("Upload a CSV file" in e.value for e in at.error) and not at.exception


def test_digits_train_without_a_boundary_and_get_a_confusion_matrix():
    at = open_page(PAGE, data="digits", n="400", noise="0.0", epochs="15", hidden="32")
    assert not at.exception and not at.error
    run = at.session_state["lab.runs"]["run"]
    assert run.extent is None and run.confusion.shape == (10, 10)
    assert metrics(at)["val accuracy"] > 0.5
    assert "nn.Linear(64, 32)" in at.code[0].value
