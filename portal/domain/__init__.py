"""Pure business rules: no Flask, no database. Services call these."""
