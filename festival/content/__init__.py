"""Translating what organisers type: the registry of translatable fields,
the festival's translation page, per-item editing, XLIFF/XLSX exchange."""
