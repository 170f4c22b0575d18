"""Logistics for organisers: arrivals, rooming, catering and interpreters."""
