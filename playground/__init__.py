"""Neural-network training playground: optimizers, loss surfaces, datasets and trainers.

The core modules (``optim``, ``surfaces``, ``trajectories``, ``datasets``, ``regularization``,
``train``, ``backprop``) import no Streamlit and work from a notebook. Streamlit helpers live
in ``playground.ui``.
"""
