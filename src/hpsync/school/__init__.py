"""The school file (``hpsync-school/1``): one codec between it and the domain Snapshot.

``load`` builds the Snapshot (used by the Hyperplanning client after a read, by snapshot
files, by benchmarks and by replay); ``dump`` writes the file a Snapshot comes from (run
inputs, replay). One codec, so that a run replays exactly what it read.
"""

from hpsync.school.dump import snapshot_to_school
from hpsync.school.load import hp_week, localize, snapshot_from_school

__all__ = ["hp_week", "localize", "snapshot_from_school", "snapshot_to_school"]
