"""Data layer: import raw sources with provenance, read them into tidy frames, build ``data/processed``.

Modules:
- :mod:`analyse.data.rawstore` – immutable raw snapshots with ``.meta.yml`` sidecars and checksums.
- ``python -m analyse.data build`` – import + build all processed tables.
"""
