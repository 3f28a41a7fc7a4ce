"""The Edusign client: one instance per account (one API key = one school).

Resource methods live in small mixins (people, groups, courses, batch) over one request
engine (``core.ClientCore``); this module only assembles them under the public name.
"""

from __future__ import annotations

from hpsync.edusign.batch import BatchApi


class EdusignClient(BatchApi):
    """Typed access to one Edusign school over v1 (and v3 for batch upserts).

    ``EdusignClient(base_url, api_key, *, v3_base_url=None, api="v3", rate_scale=1.0,
    timeout=30.0, transport=None, sleep=time.sleep, clock=time.monotonic)``.
    ``api="v1"`` keeps everything on v1: the ``batch_*`` methods then fall back to one
    lookup + create/update per item. The API key only ever goes in the auth header.
    """
