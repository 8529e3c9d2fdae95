import gc

# Start-up makes objects that nearly all live on; the collector is off until the service is ready
# (kraftsamla_common.service.tune_gc turns it on again).
gc.disable()

from kraftsamla_common.service import run  # noqa: E402

from .app import spec  # noqa: E402


def main() -> None:
    run(spec)


if __name__ == "__main__":
    main()
