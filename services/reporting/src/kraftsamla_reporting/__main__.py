"""``python -m kraftsamla_reporting`` runs the service; ``… rebuild`` rebuilds its read models from
the streams (see :mod:`kraftsamla_reporting.rebuild`)."""

import gc

# Start-up makes objects that nearly all live on; the collector is off until the service is ready
# (kraftsamla_common.service.tune_gc turns it on again).
gc.disable()

import sys  # noqa: E402

from kraftsamla_common.service import run  # noqa: E402

from .app import spec  # noqa: E402


def main() -> None:
    if sys.argv[1:2] == ["rebuild"]:
        from .rebuild import main as rebuild

        gc.enable()
        sys.exit(rebuild(sys.argv[2:]))
    run(spec)


if __name__ == "__main__":
    main()
