"""Transfers: from each delegate's flight to a car, a driver, an escort and an interpreter."""
