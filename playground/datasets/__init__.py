"""Datasets: 2-D toy sets and CSV uploads for the lab, image sets for real training runs."""
