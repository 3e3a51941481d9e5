"""Per-language filter settings (data). Shipped in the wheel as altedic._filters."""
