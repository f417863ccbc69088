# Fixtures come from the project's own pytest plugin (entry point "telsim").
