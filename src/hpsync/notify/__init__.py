"""E-mails to the school: at once (a guard tripped, failures grew) and the daily digest."""
