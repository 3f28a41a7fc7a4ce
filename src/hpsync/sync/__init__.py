"""The service layer: one function per use case, wiring ports to the pure core."""
