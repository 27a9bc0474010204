"""``python -m bpr`` runs the command line."""

from bpr.cli import main

if __name__ == "__main__":
    main()
