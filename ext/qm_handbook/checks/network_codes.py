"""Warning codes of the learning network: name, severity, German description, example.

Registered in :data:`.diagnostics.CODES` (kept here so that module stays small).
"""

from __future__ import annotations

# Codes of the learning network (meetings, rotation, action items, peer reviews).
# fmt: off
NETWORK_CODES: tuple[tuple[str, str, str, str], ...] = (
    ("unknown_institution", "error",
     "Ein Feld für Einrichtungskürzel (zuständig, für, angenommen von) nennt ein unbekanntes Kürzel.",
     "handbook/netzwerk/treffen/2026-1-ost.md:30: NETZ_AUF_X nennt bei „Zuständig“ das Kürzel „O9“, das keine "
     "Einrichtung trägt. Meinten Sie „O1“?"),
    ("rotation_unknown_code", "error",
     "Eine Gastgeber-Rotation in netzwerk.toml nennt ein Kürzel, das keine Einrichtung trägt.",
     "handbook/netzwerk.toml:9: Die Rotation „west“ nennt „W11“; keine Einrichtung hat dieses Kürzel. "
     "Meinten Sie „W1“?"),
    ("rotation_missing", "warning",
     "Eine Einrichtung kommt in keiner Gastgeber-Rotation vor und richtet deshalb nie ein Treffen aus.",
     "handbook/netzwerk.toml:9: Die Einrichtung W5 kommt in keiner Rotation vor. Tragen Sie „W5“ in "
     "die Rotation ihres Verbunds ein."),
    ("rotation_change", "error",
     "Ein Tausch oder Aussetzen in der Rotation ([[rotation_aenderung]]) ist unvollständig oder unzulässig.",
     "handbook/netzwerk.toml:20: Der Tausch im Quartal 2027-2 nennt „W2“, das in der Rotation „west“ "
     "nicht vorkommt."),
)
# fmt: on
