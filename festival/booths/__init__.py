"""The exchange event's booths: cities' projects, their partners, the floor plan."""
