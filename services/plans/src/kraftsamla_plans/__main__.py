from kraftsamla_common.service import run

from .app import spec


def main() -> None:
    run(spec)


if __name__ == "__main__":
    main()
