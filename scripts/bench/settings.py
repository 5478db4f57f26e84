"""The benchmark's gunicorn settings: production settings, plus the peer pages
(``scripts.bench.peers``) in front of the app's URLs. Nothing else differs."""

from windfall.settings.production import *  # noqa: F403

ROOT_URLCONF = "scripts.bench.peers"
