"""Learning masters: attendance alerts and periodic reports, sent by e-mail.

The up flow records every final mark (``record``); pure rules decide which alerts a
learner's marks raise (``rules``) and what a tutor's report says (``report``); ``render``
turns them into e-mails; ``deliver`` sends them once, through the ``notifications`` log
of the state store, so a rerun never resends and a failed send is retried.
See docs/alerts.md.
"""
