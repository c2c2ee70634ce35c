"""`evidence serve`: victims upload their evidence through a personal link; the lawyer follows
the case on a dashboard. Optional (the `web` extra); the core never imports it."""
