"""Command-line tools (German output).

* :mod:`.cli` — ``python -m qm_handbook report|…`` (the terminal report, JSON).
* :mod:`.confirm` — ``python -m qm_handbook.commands.confirm``: confirm re-checked
  statements (writes fingerprints).
* :mod:`.bench` — ``python -m qm_handbook.commands.bench``: the benchmark session.
* :mod:`.synth` — generates synthetic networks for the benchmark.
"""
