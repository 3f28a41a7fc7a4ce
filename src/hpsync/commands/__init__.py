"""One module per command group; each exposes ``register(app)``.

The CLI is a thin skin: a command parses its options, calls the library, renders the
result. Keeping groups in separate modules lets each grow without touching the others.
"""
