"""`python -m frontlines` runs the command line, as the `frontlines` script does."""

from frontlines.cli import main

if __name__ == "__main__":
    main(prog_name="frontlines")
