"""Data layer: raw snapshots with provenance -> processed tables -> derived tables. Imports nothing above it.

Modules:
- :mod:`analyse.data.provenance` – the one provenance schema (:class:`Provenance`), :func:`read_sidecar`,
  :func:`list_snapshots`.
- :mod:`analyse.data.rawstore` – immutable raw snapshots with ``.meta.yml`` sidecars and checksums.
- :mod:`analyse.data.sources` – the declared shared source files.
- :mod:`analyse.data.contract` – columns, key, dtypes and checks of the tidy indicator frame.
- :mod:`analyse.data.catalogue` – the indicator catalogue (``analyse/data/catalogue/*.yml``).
- :mod:`analyse.data.cbs_tables` / :mod:`analyse.data.seeds` – readers driven by ``registry.yml``.
- :mod:`analyse.data.derive` – preferred rows, harmonisation, region membership, Σ/Σ reference rows.
- :mod:`analyse.data.build` – the declared build steps; ``python -m analyse.data build`` runs them.
"""
