"""Qt item models over the core's data: thin, lazy, holding ids and tuples rather than copies."""
