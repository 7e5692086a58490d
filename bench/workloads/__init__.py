"""Workloads of ``bench/run.py``: one module per database, each a list of :class:`Workload`."""
