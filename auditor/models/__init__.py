"""Pydantic models shared by every stage of the audit (one direction: sources → reporters)."""
