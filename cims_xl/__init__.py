"""cims_xl: customer information management in Excel over an encrypted local store."""

__version__ = "0.1.0"
