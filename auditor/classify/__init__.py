"""Classification: which data categories each column holds, with confidence and reasons."""
