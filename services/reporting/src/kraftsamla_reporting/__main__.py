"""``python -m kraftsamla_reporting`` runs the service; ``… rebuild`` rebuilds its read models from
the streams (see :mod:`kraftsamla_reporting.rebuild`)."""

import sys

from kraftsamla_common.service import run

from .app import spec


def main() -> None:
    if sys.argv[1:2] == ["rebuild"]:
        from .rebuild import main as rebuild

        sys.exit(rebuild(sys.argv[2:]))
    run(spec)


if __name__ == "__main__":
    main()
