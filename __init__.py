"""farsiner: entities and quantities in Persian news, with offsets into the original text.

    from farsiner import Tagger
    tagger = Tagger.from_pretrained()
    tagger("متن خبر ...")
"""

__version__ = "0.1.0"
__all__ = ["Entity", "Tagger", "__version__"]


def __getattr__(name):
    # Imported on first use: `import farsiner` stays light (no torch) for the data tools.
    if name in ("Tagger", "Entity"):
        from farsiner.infer import tagger

        return getattr(tagger, name)
    raise AttributeError(f"module 'farsiner' has no attribute {name!r}")
