project = "Testhandbuch"
language = "de"
extensions = ["qm_handbook"]
html_theme = "furo"
handbook_catalog_dir = "katalog"
handbook_institutions_dir = "institutions"
handbook_network_file = "netzwerk.toml"
handbook_as_of = "2026-06-30"
