"""Platform-neutral chat logic: handlers, rendering, configuration and the taskbot CLI."""
