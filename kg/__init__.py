"""caucasus-kg: documents → extraction → linking → RDF + provenance → validation → endpoint."""

__version__ = "0.1.0"
