"""The ccc version; equals ccc.Version of the Go module (doc.go), checked by
a test."""

__version__ = "0.1.0-dev"
