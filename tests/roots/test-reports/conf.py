project = "Auswertungstest"
language = "de"
extensions = ["qm_handbook"]
html_theme = "basic"
handbook_catalog_dir = "katalog"
handbook_institutions_dir = "institutions"
handbook_network_file = "netzwerk.toml"
handbook_as_of = "2026-06-30"
# The root checks the reports, not the review workflow or complete page headers. Some
# problems are there on purpose: B1 has two statements for MINI_D1_2 (the less advanced
# status counts) and index.md holds a statement outside any institution (it counts for
# nobody).
suppress_warnings = ["qm.zu_pruefen", "qm.duplicate_statement", "qm.frontmatter_missing", "qm.wrong_place"]
