"""The JSON API: thin routers that parse input, call one action and shape the answer."""
