"""Training runs: real MNIST-1D / MNIST / Fashion-MNIST / CIFAR-10 (or digits) training in a background
worker, with live progress, results, comparison and exports, and the MNIST-1D paper's table beside
the session's own runs."""

import streamlit as st

from playground.datasets.images import DatasetError, MissingDataset
from playground.train.runs import hosted_mode
from playground.ui.header import page_header
from playground.ui.i18n import t
from playground.ui.pages import PAGES
from playground.ui.runs import controls, paper
from playground.ui.runs import views as view
from playground.ui.runs.compute import dataset, run_queue, session_id
from playground.ui.runs.keys import NAMESPACE
from playground.ui.urlstate import QueryState

page_header(PAGES["runs"])
notices = st.container()
qs = QueryState(NAMESPACE)
config = controls.settings(qs)
qs.show_notices(notices.warning)
qs.sync()

queue, owner = run_queue(), session_id()
data = None
try:
    data = dataset(config.dataset)
except MissingDataset as error:
    view.missing_dataset(error, config.dataset, hosted=hosted_mode())
except DatasetError as error:
    view.damaged(config.dataset, error)

if data is not None and config.schedule != "constant":
    view.schedule(queue.limits, config, data)
launched = st.button(t("runs.launch"), type="primary", icon=":material/rocket_launch:", disabled=data is None)
if launched and data is not None:
    view.launch(queue, owner, config, data)

# Ended runs are read once, before the live panel: a run that ends after this is drawn live, then
# the panel reruns the page, rather than drawn twice, live and finished.
ended = [run for run in queue.runs(owner) if not run.active]
done = [run for run in ended if run.result is not None]
view.live(queue, owner, {run.id for run in ended}, dataset)
paper.table(config.dataset, [run.result for run in done])
if done:
    st.subheader(t("runs.results.title"))
    view.results(done, dataset)
    st.subheader(t("runs.compare.title"))
    view.compare(done)
view.data_parallel()
