"""The plans service's refusals of a change, as keys of its catalogue with their values: the
problem's ``detail`` is worded when the answer is written, in the language of the request's
``Accept-Language`` (``kraftsamla_common.errors.saying``)."""

from __future__ import annotations

from kraftsamla_common.errors import saying

said = saying("kraftsamla_plans")
