"""Datasets: 2-D toy sets, digits, MNIST-1D and CSV uploads for the lab, image and signal sets for real
training runs."""

from playground.datasets.images import DATASETS, DatasetError, ImageSet, MissingDataset, load  # noqa: F401
from playground.datasets.tabular import CSVError, read_csv, to_split  # noqa: F401
from playground.datasets.toy import TOY_SETS, SplitData, make_toy  # noqa: F401
