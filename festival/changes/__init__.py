"""People are told when their plans move (issue #15 item 9)."""
