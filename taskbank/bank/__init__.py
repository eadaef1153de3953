"""The TaskBank service's parts, one module per concern, composed in taskbank/service.py."""
