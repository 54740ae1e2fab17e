"""farsiner: entities and quantities in Persian news, with offsets into the original text."""

__version__ = "0.1.0"
