"""Allow ``python -m generator`` to behave exactly like the ``jixiao`` command."""

from generator.entry import main

if __name__ == "__main__":
    main()
