"""Adapters from the service clients to the engine's ports."""
