"""The published impressions report: a frozen, public selection of consented quotes."""
