"""A commented example configuration that passes ``hpsync config check``."""

from __future__ import annotations

EXAMPLE = """\
# hpsync.toml — one Hyperplanning base, one or more Edusign accounts.
# Secrets are never written here: give env:NAME or file:PATH (relative to this file).
# Reference of every key: docs/config.md. Check with `hpsync config check hpsync.toml`.

state_url = "sqlite:///hpsync-state.db"   # next to this file; or "postgresql+psycopg://hpsync@db/hpsync"
timezone = "Europe/Paris"                 # wall time of the Hyperplanning base
language = "fr"                           # fr | en: dashboard, HTML report and e-mails
log_format = "text"                       # text | json
retention_days = 90                       # how long run history is kept
lease_seconds = 900                       # one run per account at a time: its lease, renewed
full_read_hours = 24                      # every sheet read at least this often; syncs in
                                          # between read only the sheets changed (0: always all)
side_by_side_sessions = 100000            # accounts plan together up to this many sessions,
                                          # one at a time above (memory); writes stay together

[hyperplanning]
url = "https://planning.ecole.example/hpsw/2026-2027"   # WSDL at <url>/wsdl
user = "ws-hpsync"
password = "env:HP_PASSWORD"
base_id = "ecole-2026"                    # stable name of this year's base (no ':');
                                          # default: slug of the URL path ("hpsw-2026-2027")
timeout_seconds = 30                      # per SOAP call
[hyperplanning.operations]                # only if `hpsync doctor` finds an operation
# TousLesMotifs = "TousLesMotifsAbsence"  # under another name on this server

[[hyperplanning.previous]]                # last year's base, still owed attendance
url = "https://planning.ecole.example/hpsw/2025-2026"
user = "ws-hpsync"
password = "env:HP_PASSWORD"
base_id = "ecole-2025"

[year]                                    # the summer change of base (docs/year.md)
match = ["identifier", "ine", "email"]    # how a person is recognised in the new base
min_learners_matched = 0.25               # refuse a new base matching fewer of our learners
min_trainers_matched = 0.5                # ... or of our trainers (empty or wrong base)

[[accounts]]
name = "nord"                             # unique; lowercase letters, digits, - and _
url = "https://ext.edusign.fr"            # Edusign v1 base URL
# v3_url = "https://api.edusign.com"      # default: derived from url
api_key = "env:EDUSIGN_KEY_NORD"
api = "v3"                                # v3 batch upserts (default) or v1
# timezone = "Europe/Paris"               # default: the top-level timezone
learners = [{ family = "Site", rubric = "Nord" }]     # empty = every learner
courses.exclude = [{ family = "Modalité", rubric = "Autonomie" }]
tag_families = ["Type de contrat"]        # rubric labels become Edusign tags
tutors = true                             # learning masters follow their apprentices
exemptions = true                         # exempted learners are left off the sheet
room = "code"                             # "name" | "code" | { fixed = "Salle NFC" }
trainerless = { fictitious_trainer = "planning@ecole.example" }   # or "skip"
adopt_existing_sessions = false           # true: take over sessions another connector made
webhook_secret = "env:EDUSIGN_SECRET_NORD"    # for `hpsync webhook`; omit if unused
school_email = "vie-scolaire@ecole.example"   # receives the smart alerts marked school/both
digest_to = ["direction@ecole.example"]   # digests and guard e-mails (default: school_email)
# rate_scale = 1.0                        # >1 only against the emulator

[accounts.guards]
max_removal_share = 0.2                   # refuse a run removing more than 20 % of what it holds
additions_only = false                    # true: refuse every removal
# additions_only_until = 2026-09-15       # refuse removals up to this day (yearly change)
learner = { max_removal_share = 0.1, max_removals = 50 }   # per-kind limits (defaults below)
# trainer = { max_removal_share = 0.2 }   # default; also tutor, group, session (0.2 each)
# tutor = { max_removals = 5 }
# group = { max_removal_share = 0.2 }
# session = { max_removal_share = 0.3 }
max_source_shrink = 0.3                   # refuse when Hyperplanning offers 30 % fewer sessions
                                          # or learners than at the last good run
max_span_shrink_days = 14                 # ... or a planning span narrowed by over 14 days

[accounts.attendance]
final = { hours_after_end = 24 }          # or "locked" (final once Edusign locks the sheet)
since = 2026-09-01                        # write back no attendance older than this
motifs = { "Certificat médical" = "Maladie" }   # Edusign reason = Hyperplanning motif

[accounts.schedule]                       # for the worker
every_minutes = 15
quiet_hours = "22:00-06:00"               # no sync in this span (may cross midnight)

[[accounts.alerts]]
name = "absences"
kind = "absences"                         # absences | late | early_departures | attendance_rate
threshold = 3
days = 30
min_late_minutes = 0                      # only for kind = "late"
count_justified = false
notify = "both"                           # tutor | school | both

[[accounts]]
name = "sud"
api_key = "env:EDUSIGN_KEY_SUD"
learners = [{ family = "Site", rubric = "Sud" }]
courses.include = [{ family = "Modalité", rubric = "Distanciel" }]

# [dashboard]
# token = "env:HPSYNC_DASHBOARD_TOKEN"    # at least 12 characters
# [smtp]
# host = "smtp.ecole.example"
# port = 587
# tls = "starttls"                        # none | starttls | ssl
# user = "hpsync"                         # user and password go together
# password = "env:SMTP_PASSWORD"
# sender = "hpsync@ecole.example"
"""


def example_config() -> str:
    """The example, as printed by ``hpsync config example``."""
    return EXAMPLE
