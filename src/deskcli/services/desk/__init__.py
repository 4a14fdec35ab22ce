"""The desk around the calls: the queue, promise reminders, status and mail."""
