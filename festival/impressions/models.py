"""Impression forms and responses (models land with the impressions issue)."""
