"""Every formset is bounded: no request makes the server build more forms than the page can have.

Django builds as many forms as a POST's TOTAL_FORMS claims, up to absolute_max (2,000 unless set). The plan
editor sets its own bound (goals/plan_edit.py); admin inlines take theirs from this mixin.
"""

from __future__ import annotations

from django.http import HttpRequest


class BoundedInline:
    """An admin inline whose formset builds at most `max_num` forms and says so past it (mix in before the inline)."""

    max_num = 100

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        """The inline's formset with absolute_max = max_num, so a larger TOTAL_FORMS is an error, not work."""
        kwargs.setdefault("absolute_max", self.get_max_num(request, obj, **kwargs))
        return super().get_formset(request, obj, **kwargs)
