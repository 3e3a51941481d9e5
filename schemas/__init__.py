"""Versioned data contracts (data). Shipped in the wheel as altedic._schemas."""
