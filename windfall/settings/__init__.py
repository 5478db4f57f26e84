"""Settings modules: ``base`` (shared), ``local`` (default), ``test``, ``production``."""
