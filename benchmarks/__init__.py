"""The benchmark of ccc against the tools a user would pick instead (see README.md here)."""
