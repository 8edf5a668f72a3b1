"""Measuring the data a manifest describes: records, shares, duplicates, contamination.

Nothing here is imported by a plain ``synthgate audit``. The modules split by what they hold:
:mod:`~synthgate.measure.params` (what is measured, and how), :mod:`~synthgate.measure.plan`
(which files hold which source's records), :mod:`~synthgate.measure.partials` (the per-batch
measurements and their merge, the same for every engine), :mod:`~synthgate.measure.engines`
(the engines that read batches: DuckDB), :mod:`~synthgate.measure.results` (finished
measurements, plain data), :mod:`~synthgate.measure.run` (measuring a set of manifests, with
the cache). Only ``partials``, ``engines`` and ``run`` need the ``measure`` extra.
"""
