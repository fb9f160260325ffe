project = "Veröffentlichungstest"
language = "de"
extensions = ["qm_handbook"]
html_theme = "furo"
handbook_catalog_dir = "katalog"
handbook_institutions_dir = "institutions"
handbook_network_file = "netzwerk.toml"
handbook_as_of = "2026-06-30"
handbook_pdf_dir = ""
# The root checks what the public profile publishes, not complete page headers or the
# review workflow.
suppress_warnings = ["qm.zu_pruefen", "qm.frontmatter_missing"]
