"""Events the plans service listens to. It owns the strategy and needs nothing from others yet."""

from kraftsamla_common.bus import Subscriptions

subscriptions = Subscriptions()
