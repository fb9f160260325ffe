project = "Lernnetzwerktest"
language = "de"
extensions = ["qm_handbook"]
html_theme = "basic"
handbook_catalog_dir = "katalog"
handbook_institutions_dir = "institutions"
handbook_network_file = "netzwerk.toml"
# Before the action item's due date (2026-03-31); tests override it.
handbook_as_of = "2026-03-01"
# The root checks the learning network, not page headers or the review workflow.
suppress_warnings = ["qm.zu_pruefen", "qm.frontmatter_missing"]
