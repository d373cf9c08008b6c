"""Pure types of the policenet world: no I/O, no framework, nothing of ours imported."""
