"""The demo and training populations of ``policenet demo``, built by calling actions, as a
bureau's own systems would: ``population`` seeds the whole hub (principals, documents, records,
network traffic, notices, DNA and fingerprints, one module each), and ``synthetic_prints``
grows fingerprints that belong to no one, for the demo, the benchmarks and the tests.

Nothing here is imported by the hub itself: only the command line's ``demo``, ``bench/``,
``scripts/`` and the tests use it.
"""
