"""Multi-school worker: Celery tasks that run one flow on one account, shared Redis state.

The Celery surface (untyped) lives in :mod:`hpsync.worker.app` only; everything else
(leases, the shared rate budget, slots, runners, the task body) is typed and testable
without a broker.
"""
