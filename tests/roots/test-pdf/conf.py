project = "PDF-Testhandbuch"
version = release = "1.0"
language = "de"
extensions = ["qm_handbook"]
html_theme = "basic"
handbook_catalog_dir = "katalog"
handbook_institutions_dir = "institutions"
handbook_network_file = "netzwerk.toml"
handbook_as_of = "2026-06-30"
# The hostile-content page compares its text character by character (no typographic quotes).
smartquotes = False
