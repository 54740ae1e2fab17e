"""Turns a model and text into entities: the Tagger, windows over long articles, the tag command."""
