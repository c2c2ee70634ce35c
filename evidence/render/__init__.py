"""Every reportlab call lives in this package (one module per kind of document)."""
