"""Attendance: check-in per session (list, scan, typed code), check-in codes
and badges, and the rule that says who attended a session."""
