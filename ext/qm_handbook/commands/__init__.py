"""Command-line tools (German output).

* :mod:`.cli` — ``python -m qm_handbook report|…`` (the terminal report, JSON).
* :mod:`.confirm` — ``python -m qm_handbook.commands.confirm``: confirm re-checked
  statements (writes fingerprints).
* :mod:`.neu` — ``python -m qm_handbook.commands.neu``: scaffold a new institution
  (:mod:`.scaffold_pages`, :mod:`.network_edit`) or a new entry (:mod:`.items`).
* :mod:`.bench` — ``python -m qm_handbook.commands.bench``: the benchmark session.
* :mod:`.synth` — generates synthetic networks for the benchmark.
"""
