"""`python -m cli`: the same `assistant` command as the console script and `python -m assistant`."""

from cli.main import main

main()
