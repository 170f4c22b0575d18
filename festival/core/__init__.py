"""Pieces every domain uses: column types, tokens, pagination, security."""
