"""Datasets: provenance catalog, per-publisher readers, the DuckDB warehouse and the snapshot."""
