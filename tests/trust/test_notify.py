"""Immediate e-mails: one when a guard trips, recorded forced releases, failures that grow."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from alerts.conftest import SmtpServer
from hpsync.alerts.mailer import SmtpMailer
from hpsync.attendance.statuses import FinalPolicy
from hpsync.config.models import SmtpConfig
from hpsync.engine.guards import GuardPolicy, KindLimit
from hpsync.errors import GuardRefused
from hpsync.model import Kind, parse_source_id
from hpsync.notify.immediate import Notifier
from hpsync.rules.policy import AccountRules, Couple
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, run_down
from hpsync.testing.builders import PARIS, small_snapshot
from hpsync.testing.fakes import FakeTarget

NOW = datetime(2026, 9, 1, tzinfo=PARIS)
RULES = AccountRules("nord", learner_couples=(Couple("Site", "Nord"),))
NO_LEARNER_REMOVAL = GuardPolicy(kinds=(("learner", KindLimit(max_removals=0)),))


@pytest.fixture
def notifier(smtp: SmtpServer) -> Notifier:
    """The account's runs mail the school of account nord through the local SMTP server."""
    config = SmtpConfig(host="127.0.0.1", port=smtp.port, sender="hpsync@ecole.test")
    return Notifier(SmtpMailer(config, None), "hpsync@ecole.test", {"nord": ["vs@ecole.test"]})


def setup(
    target: FakeTarget, notifier: Notifier | None, guards: GuardPolicy = NO_LEARNER_REMOVAL
) -> AccountSetup:
    return AccountSetup("nord", RULES, guards, FinalPolicy(), target, notifier=notifier)  # type: ignore[arg-type]


def test_a_tripped_guard_mails_once_and_the_forced_release_is_recorded(
    store: StateStore, smtp: SmtpServer, notifier: Notifier
) -> None:
    """A learner removal trips the guard: one e-mail naming it; --force then writes, with why."""
    target = FakeTarget()
    first = run_down(store, small_snapshot(), setup(target, notifier), now=NOW)
    snap = small_snapshot()
    pushed = next(i.sid for i in first.planned.plan.writes() if i.kind is Kind.LEARNER)
    gone = parse_source_id(pushed)[2]
    learners = {k: v for k, v in snap.learners.items() if str(k) != gone}
    smaller = dataclasses.replace(snap, learners=learners)
    with pytest.raises(GuardRefused):
        run_down(store, smaller, setup(target, notifier), now=NOW)
    refused = store.runs("nord")[0]
    assert refused.outcome == "refused"
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "vs@ecole.test" and "synchronisation refusée" in mail["Subject"]
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert f"exécution {refused.run_id}" in text and "learner limit of 0" in text
    assert "Suppressions prévues (1)" in text  # the notifier's language: French by default
    person = snap.learners[int(gone)]  # named as people know them: kind in words, name, e-mail
    assert f"apprenant {person.first_name} {person.last_name} <{person.email}>" in text
    done = run_down(
        store, smaller, setup(target, notifier), now=NOW, force=True, reason="left the school"
    )
    assert done.outcome == "ok" and done.counts["removed"] == 1
    meta = store.get_run(done.run_id).meta  # type: ignore[union-attr]
    assert meta["forced"] is True and meta["reason"] == "left the school" and meta["by"]
    assert len(smtp.messages) == 1  # the forced run trips nothing and sends nothing


def test_failures_that_grow_mail_the_school_once(
    store: StateStore, smtp: SmtpServer, notifier: Notifier
) -> None:
    """A run failing two items after a clean run sends one e-mail listing them."""
    target = FakeTarget()
    snap = small_snapshot()
    learner_sids = sorted(
        i.sid
        for i in run_down(
            store, snap, setup(target, notifier), now=NOW, dry_run=True
        ).planned.plan.writes()
        if i.kind is Kind.LEARNER
    )
    target.fail_sids = set(learner_sids[:2])
    done = run_down(store, snap, setup(target, notifier), now=NOW)
    assert done.outcome == "partial" and done.counts["failed"] == 2
    assert len(smtp.messages) == 1
    body = smtp.messages[0].get_body(("plain",))
    assert body is not None
    failed = [snap.learners[int(parse_source_id(sid)[2])] for sid in learner_sids[:2]]
    assert all(f"{p.first_name} {p.last_name} <{p.email}>" in body.get_content() for p in failed)
    # the run's figures in words (French, the default), never its count keys
    assert "Chiffres de l’exécution : créées " in body.get_content()
    assert "writes_planned" not in body.get_content() and "{" not in body.get_content()
    again = run_down(store, snap, setup(target, notifier), now=NOW)  # still 2 failures: not worse
    assert again.counts["failed"] == 2 and len(smtp.messages) == 1
