"""The office's policies and the rules derived from them (triggers, priority, prompts)."""
