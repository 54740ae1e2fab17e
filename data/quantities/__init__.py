"""The quantity grammar: numbers, units, dates and times, and what is built on it.

`numbers`, `units`, `dates` and `times` read the words of a quantity; `finder`
finds quantity spans in a sentence (`find_quantities`), `values` reads the value
of one (`parse_value`), and `silver` adds the QTY spans the finder is sure of to
gold-tagged sentences (`add_silver_qty`).
"""

from farsiner.data.quantities.finder import find_quantities
from farsiner.data.quantities.numbers import parse_number
from farsiner.data.quantities.silver import add_silver_qty
from farsiner.data.quantities.values import parse_value

__all__ = ["add_silver_qty", "find_quantities", "parse_number", "parse_value"]
