"""Training runs: real MNIST / Fashion-MNIST / CIFAR-10 (or digits) training in a background worker,
with live progress, results, comparison and exports."""

import streamlit as st

from playground.datasets.images import DATASETS, DatasetError, MissingDataset
from playground.optim import METHODS
from playground.schedules import SCHEDULES
from playground.train import TrainConfig
from playground.train.device import available
from playground.train.models import MODELS
from playground.train.runs import QueueFull
from playground.ui import runs_view as view
from playground.ui.runs_session import dataset, run_queue, session_id
from playground.ui.urlstate import QueryState

st.title("Training runs")
st.caption("Train a real network in the background while the page stays responsive. Digits (8×8, bundled "
           "with scikit-learn) always works; MNIST, Fashion-MNIST and CIFAR-10 need their files.")
notices = st.container()
qs = QueryState("runs")
side = st.sidebar
names, models, methods = list(DATASETS), list(MODELS), list(METHODS)
name = side.selectbox("Dataset", names, format_func=lambda n: DATASETS[n].title,
                      key=qs.field("dataset", "digits", choices=names))
model = side.selectbox("Model", models, format_func=MODELS.get, key=qs.field("model", "mlp", choices=models))
optimizer = side.selectbox("Optimizer", methods, key=qs.field("optimizer", "Adam", choices=methods))
backend = side.radio("Implementation", ["scratch", "torch"], horizontal=True,
                     format_func={"scratch": "ours, from scratch", "torch": "torch.optim"}.get,
                     key=qs.field("backend", "scratch", choices=["scratch", "torch"]))
lr = side.number_input("Learning rate", 1e-6, 10.0, format="%g", key=qs.field("lr", 1e-3, lo=1e-6, hi=10.0))
epochs = side.number_input("Epochs", 1, 100, key=qs.field("epochs", 3, lo=1, hi=100))
sizes = [16, 32, 64, 128, 256, 512, 1024, 2048]
batch = side.select_slider("Batch size", sizes, key=qs.field("batch", 128, choices=sizes))
schedule = side.selectbox("Learning-rate schedule", SCHEDULES,
                          key=qs.field("schedule", "constant", choices=SCHEDULES))
with side.expander("Regularization"):
    weight_decay = st.number_input("Weight decay", 0.0, 1.0, format="%g",
                                   key=qs.field("wd", 0.0, lo=0.0, hi=1.0))
    l1 = st.number_input("L1 penalty λ", 0.0, 1.0, format="%g", key=qs.field("l1", 0.0, lo=0.0, hi=1.0))
    l2 = st.number_input("L2 penalty λ", 0.0, 1.0, format="%g", key=qs.field("l2", 0.0, lo=0.0, hi=1.0))
    dropout = st.slider("Dropout", 0.0, 0.8, step=0.05, key=qs.field("dropout", 0.0, lo=0.0, hi=0.8))
    batchnorm = st.toggle("Batch normalization", key=qs.field("batchnorm", False))
    augment = st.toggle("Augment (flips, 2-pixel shifts)", key=qs.field("augment", False))
    clip = st.number_input("Clip gradient norm at (0 = off)", 0.0, 100.0, format="%g",
                           key=qs.field("clip", 0.0, lo=0.0, hi=100.0))
    patience = st.number_input("Early-stopping patience (0 = off)", 0, 20,
                               key=qs.field("patience", 0, lo=0, hi=20))
with side.expander("Hardware and seed"):
    devices = ["auto", *available()]
    device = st.selectbox("Device", devices, key=qs.field("device", "auto", choices=devices))
    seed = st.number_input("Seed", 0, 2**31 - 1, key=qs.field("seed", 0, lo=0, hi=2**31 - 1))
qs.show_notices(notices.warning)
qs.sync()

config = TrainConfig(dataset=name, model=model, optimizer=optimizer, backend=backend, lr=lr, epochs=epochs,
                     batch_size=batch, schedule=schedule, weight_decay=weight_decay, l1=l1, l2=l2,
                     dropout=dropout, batchnorm=batchnorm, augment=augment, clip=clip, patience=patience,
                     device=device, seed=seed)
queue, owner = run_queue(), session_id()
data = None
try:
    data = dataset(name)
except MissingDataset as error:
    view.missing_dataset(error, name)
except DatasetError as error:
    st.error(f"The {name} files are damaged: {error}")

if st.button("Launch run", type="primary", icon=":material/rocket_launch:", disabled=data is None):
    config, notes = queue.limits.apply(config)
    for note in notes:
        st.info(note)
    try:
        queue.submit(owner, config, data)
    except (QueueFull, ValueError) as error:
        st.error(str(error))

view.live(queue, owner)
done = [run for run in queue.runs(owner) if run.result is not None]
if done:
    st.subheader("Results")
    view.results(done, dataset)
    st.subheader("Compare runs")
    view.compare(done)
