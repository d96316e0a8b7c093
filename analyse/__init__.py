"""analyse: monitoring and evaluation of Dutch municipal policy in the sociaal domein.

Data flows one way: ``data/raw`` (immutable, with ``.meta.yml`` sidecars) → :mod:`analyse.data`
loaders → tidy ``data/processed/*.parquet`` → notebooks → ``reports/`` and ``figures/``.
"""

__version__ = "0.1.0"
