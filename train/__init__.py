"""Turns examples into a model: configs, training, evaluation, the offline base encoder."""
