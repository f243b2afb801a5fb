"""Checks: each turns the classified inventory into findings for one principle."""
