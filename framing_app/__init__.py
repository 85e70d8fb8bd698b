"""framing-app: a desktop annotation tool for media framing research."""

__version__ = "0.1.0"
