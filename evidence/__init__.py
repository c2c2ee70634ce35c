"""evidence: fraud victims' phone evidence -> court-ready PDF dossiers."""

__version__ = "0.1.0"
