"""The lines the analyst gives on the greeting: the opening on the call's channel, and,
once the caller is identified, the personal line with their name (and how to say it).

Seed ("The Greeting"): "Offer assistance, using the customer's name [...] Even though
you may have a 'standard greeting', it is important to make it sound personal and
welcoming." The words come from the greeting policy (:mod:`deskcli.services.lifecycle.greeting`);
this mixin only shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from deskcli.widgets.safe import visible

if TYPE_CHECKING:
    from deskcli.console.call_flow import CallFlow
    from deskcli.runtime import Runtime
    from deskcli.services.lifecycle.callview import CallView
    from deskcli.services.lifecycle.greeting import Opening, Speaker


class GreetingLines:
    """The opening and the personal line (mixed into the greeting screen)."""

    if TYPE_CHECKING:
        flow: CallFlow
        runtime: Runtime | None

        def query_one(self, selector: str, expect_type: Any = None) -> Any: ...

    def _speaker(self) -> Speaker | None:
        """The analyst at the seat, as the greeting names them (``None`` before the profile is known)."""
        runtime = self.runtime
        if runtime is None or runtime.analyst is None:
            return None
        from deskcli.services.lifecycle.greeting import Speaker

        analyst = runtime.analyst
        return Speaker(analyst.name, analyst.department, analyst.organisation)

    def _opening(self) -> Opening | None:
        """The opening for this call's channel (``None`` before the analyst profile is known)."""
        runtime, speaker = self.runtime, self._speaker()
        if runtime is None or speaker is None:
            return None
        from deskcli.services.lifecycle import greeting

        return greeting.opening(
            runtime.policies.greeting, self.flow.channel, self.flow.answered_at or runtime.clock.now(),
            runtime.settings.zone(), speaker, template=runtime.settings.greeting_template,
        )

    def _show_greeting(self) -> None:
        opening = self._opening()
        line = self.query_one("#greeting-line", Static)
        text = "" if opening is None else opening.text
        if opening is not None and opening.kind == "written":
            text = f"Type in the chat: {text}"
        line.update(Text(visible(text)))
        line.set_class(opening is not None and not opening.given, "no-greeting")
        self.query_one("#personal-line", Static).set_class(True, "hidden")

    def _show_personal(self, view: CallView) -> None:
        """The caller is identified: the line that offers help using their name."""
        runtime, speaker = self.runtime, self._speaker()
        assert runtime is not None and speaker is not None
        from deskcli.services.lifecycle import greeting

        personal = greeting.personal_line(
            runtime.policies.greeting, self.flow.answered_at or runtime.clock.now(), runtime.settings.zone(), speaker,
            caller_name=view.customer.name, pronunciation=view.customer.pronunciation, channel=view.call.channel,
        )
        widget = self.query_one("#personal-line", Static)
        widget.set_class(personal is None, "hidden")
        if personal is None:
            return
        # "→ Thank you, Siobhan O'Neill (shi-VAWN). How can I help you today?": the
        # pronunciation right beside the name, where it is needed.
        text = Text("→ " if personal.spoken else "→ type: ", style="bold")
        text.append(visible(personal.before))
        text.append(visible(personal.name), style="bold")
        if personal.spoken and personal.say_as:
            text.append(f" ({visible(personal.say_as)})", style="italic")
        text.append(visible(personal.after))
        widget.update(text)
