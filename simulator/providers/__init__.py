"""One package per provider; see base.Provider and registry.register."""
