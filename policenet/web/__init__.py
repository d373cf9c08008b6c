"""Pages the hub serves as HTML: the public notices page (no account needed)."""
