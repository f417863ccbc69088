"""The contract checker: documented formats under contracts/<slug>/ as validators for the
requests, responses and callbacks in the journal. One validator per transport."""
