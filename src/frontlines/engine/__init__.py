"""Scale-out engines: the same stages 1-6 run per partition of the input on a cluster.

``partitions`` cuts inputs (files, JSONL shards, Parquet row groups) into small, stably
keyed units without reading the corpus; ``dask_run`` runs them on a Dask cluster.
Nothing here imports Dask until a cluster run starts.
"""
