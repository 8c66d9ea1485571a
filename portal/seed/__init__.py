"""Data a database starts with: reference data every installation needs, and the demo of `make run`."""
