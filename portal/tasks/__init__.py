"""Background work: batch printing, the SLA sweep, sending queued e-mail. Each job commits its own progress
(use cases only flush); the CLI and the in-process print worker run them."""
