"""synthgate's built-in plugins: check kinds, metrics, adapters, reporters and policy packs.

They register through the ``synthgate`` entry-point group exactly as a third-party plugin does,
and use only the public ``synthgate`` API.
"""
