#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "windfall.settings.local")
    from django.core.management import execute_from_command_line

    from windfall.startup import run_checked

    run_checked(lambda: execute_from_command_line(sys.argv))


if __name__ == "__main__":
    main()
