"""What candidates seal with ENCRYPTION_KEYS, registered for key rotation (common.sealed):
identifiers, the résumé's name and the résumé file (rotated by services.rotation)."""

import logging

from mianshi.candidates.models import Candidate
from mianshi.candidates.services.rotation import encryption_rotate, stale_candidates
from mianshi.common.crypto import current_key_id
from mianshi.common.sealed import ITEM_ERRORS, SealedKind, register

logger = logging.getLogger(__name__)


def _rotate(batch_size: int) -> int:
    # A row that cannot be read stops its batch; it stays stale and is counted as remaining.
    try:
        return encryption_rotate(batch_size=batch_size).rows
    except ITEM_ERRORS as exc:
        logger.warning("candidates.candidate: rotation stopped at a row: %s", exc)
        return 0


def _remaining() -> int:
    return Candidate.objects.filter(stale_candidates(current_key_id())).count()


register(SealedKind(name="candidates.candidate", rotate=_rotate, remaining=_remaining))
