"""A commented example configuration that passes ``hpsync config check``."""

from __future__ import annotations

EXAMPLE = """\
# hpsync.toml — one Hyperplanning base, one or more Edusign accounts.
# Secrets are never written here: give env:NAME or file:PATH.

state_url = "sqlite:///hpsync-state.db"   # or "postgresql+psycopg://hpsync@db/hpsync"
timezone = "Europe/Paris"                 # wall time of the Hyperplanning base
log_format = "text"                       # text | json

[hyperplanning]
url = "https://planning.ecole.example/hpsw/2026-2027"   # WSDL at <url>/wsdl
user = "ws-hpsync"
password = "env:HP_PASSWORD"
base_id = "ecole-2026"                   # stable name of this year's base (no ':')

# [[hyperplanning.previous]]             # last year's base, for the yearly switch
# url = "https://planning.ecole.example/hpsw/2025-2026"
# user = "ws-hpsync"
# password = "env:HP_PASSWORD"
# base_id = "ecole-2025"

[[accounts]]
name = "nord"
url = "https://ext.edusign.fr"
api_key = "env:EDUSIGN_KEY_NORD"
api = "v3"                                # v3 batch upserts (default) or v1
learners = [{ family = "Site", rubric = "Nord" }]     # empty = every learner
courses.exclude = [{ family = "Modalité", rubric = "Autonomie" }]
tag_families = ["Type de contrat"]        # rubric labels become Edusign tags
tutors = true                             # learning masters follow their apprentices
exemptions = true                         # exempted learners are left off the sheet
room = "code"                             # "name" | "code" | { fixed = "Salle NFC" }
trainerless = { fictitious_trainer = "planning@ecole.example" }   # or "skip"
school_email = "vie-scolaire@ecole.example"   # receives the smart alerts marked school/both

[accounts.guards]
max_removal_share = 0.2                   # refuse a run removing more than 20 %
additions_only = false

[accounts.attendance]
final = { hours_after_end = 24 }          # or "locked"

[[accounts.alerts]]
name = "absences"
kind = "absences"                         # absences | late | early_departures | attendance_rate
threshold = 3
days = 30
notify = "both"                           # tutor | school | both

[[accounts]]
name = "sud"
api_key = "env:EDUSIGN_KEY_SUD"
learners = [{ family = "Site", rubric = "Sud" }]
courses.include = [{ family = "Modalité", rubric = "Distanciel" }]

# [dashboard]
# token = "env:HPSYNC_DASHBOARD_TOKEN"
# [smtp]
# host = "smtp.ecole.example"
# port = 587
# tls = "starttls"
# user = "hpsync"
# password = "env:SMTP_PASSWORD"
# sender = "hpsync@ecole.example"
"""


def example_config() -> str:
    """The example, as printed by ``hpsync config example``."""
    return EXAMPLE
