"""Publishing safely: visibility, the public and internal profiles, the leak check.

* :mod:`.visibility` – the one decision whether a page or item is public (pure);
* :mod:`.profile` – the two build profiles (``handbook_profil``) and their handlers;
* :mod:`.redact` – removing internal items from result, ``needs.json``, ``objects.inv``;
* :mod:`.leaks` – the scan of every public output file for internal items;
* :mod:`.security` – content security rules (pure), :mod:`.guards` applies them;
* :mod:`.csp` – the public site's Content-Security-Policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .csp import setup_csp
from .guards import setup_guards
from .leaks import setup_leak_check
from .profile import setup_profile

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_publish(app: Sphinx) -> None:
    """Register the profiles, the leak check and the content security checks."""
    setup_profile(app)
    setup_leak_check(app)
    setup_guards(app)
    setup_csp(app)
