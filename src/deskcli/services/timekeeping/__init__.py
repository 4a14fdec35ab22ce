"""Time: what analysts type, business hours, public holidays and the SLA clocks."""
