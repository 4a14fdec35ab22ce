"""The seeds' advice shown beside the call when it applies."""

from __future__ import annotations

from collections.abc import Iterable

from deskcli.services.rules.policy import Prompt, PromptPolicy


def applicable(policy: PromptPolicy, situations: Iterable[str]) -> list[Prompt]:
    """The prompts for the current situations (``always`` ones included), in file order."""
    current = {"always", *situations}
    return [prompt for prompt in policy.prompts if prompt.when in current]
