"""Turns a model and text into entities."""
