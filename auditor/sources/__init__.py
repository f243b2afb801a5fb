"""Sources: each reads one kind of input and yields the same Inventory model."""
