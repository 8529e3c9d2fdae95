"""``python -m kraftsamla_web`` runs the staff web application (uvicorn)."""

from .app import run


def main() -> None:
    run()


if __name__ == "__main__":
    main()
