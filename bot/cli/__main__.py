"""`python -m bot.cli`: the `taskbot` command."""

from bot.cli import main

main()
