"""Screenshots of the key pages at desktop and phone width, light and dark.

    python tests/tools/screenshots.py _build/oeffentlich /tmp/shots [page ...]

Writes ``<name>-<width>-<theme>.png`` for each page (paths relative to the site root).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from browser import chromium, serve, set_theme

PAGES = [
    "handbook/index.html",
    "institutions/vhs-leipziger-land/index.html",
    "institutions/vhs-leipziger-land/anforderungen/e1.html",
    "handbook/katalog/_generiert/dqe-1.0/e1.html",
    "handbook/stand/matrix.html",
    "handbook/stand/dashboard.html",
    "search.html?q=Pr%C3%BCfung",
]


def main(argv: list[str]) -> int:
    site, target = Path(argv[0]), Path(argv[1])
    pages = argv[2:] or PAGES
    target.mkdir(parents=True, exist_ok=True)
    with serve(site) as base, chromium() as browser:
        for width, height in ((1280, 900), (390, 844)):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for theme in ("light", "dark"):
                for path in pages:
                    page.goto(base + path)
                    set_theme(page, theme)
                    page.wait_for_timeout(300)
                    name = path.split("?")[0].replace("/", "_").removesuffix(".html")
                    page.screenshot(path=str(target / f"{name}-{width}-{theme}.png"))
            context.close()
    print(f"Bilder in {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
