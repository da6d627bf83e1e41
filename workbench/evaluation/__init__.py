"""Evaluation statistics for researchers: change, effect sizes, reliable change, publication tables, and more."""
