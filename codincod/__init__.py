"""codincod: a self-hosted backend and admin toolkit for the CodinCod coding-puzzle platform.

This package is the domain: models, services and pure rules. It imports neither sanic nor
textual; the HTTP server lives in ``server`` and the moderator console in ``tui``.
"""

__version__ = "0.1.0"
