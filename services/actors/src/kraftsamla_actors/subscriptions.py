"""Events the actors service listens to. It owns the register of actors and needs nothing from others yet."""

from kraftsamla_common.bus import Subscriptions

subscriptions = Subscriptions()
