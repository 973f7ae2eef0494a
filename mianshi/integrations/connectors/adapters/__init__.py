"""The protocol adapters, one folder each; importing this registers them all."""
