"""File formats: bytes in, plain objects out (and back). No Qt, no SQL."""
