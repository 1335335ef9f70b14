"""The `elt` command line: thin shells over the library."""
