"""The shared test world builds: a post with applicants whose ID numbers are valid."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mianshi.recruitment.idcard import id_facts
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.tests.world import recruitment_world

pytestmark = pytest.mark.django_db


def test_the_world_has_a_post_and_applicants_with_valid_ids(org: Any, make_user: Any) -> None:
    world = recruitment_world(org, make_user, headcount=2, weight_written="0.6",
                              weight_interview="0.4")  # fmt: skip
    app = world.apply("王伟", region="330106", birth="19900315")
    facts = id_facts(app.candidate.id_number)
    assert (facts.region, str(facts.birth)) == ("330106", "1990-03-15")
    assert world.post.job.headcount == 2
    assert Parameters.from_dict(world.plan.parameters).weights.written == Decimal("0.6")
