"""The Sanic HTTP + WebSocket server: translation between the wire contract and ``codincod``."""
