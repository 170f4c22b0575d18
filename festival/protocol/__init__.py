"""Protocol: order of precedence, speaking order, photo line-up and seating plans."""
