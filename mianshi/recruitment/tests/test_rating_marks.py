"""An examiner's workbench rating becomes their interview mark (issue 15): the rating is
submitted through the real reviews service, its `rating.submitted` event is run by the
outbox dispatcher, and the recruitment consumer records the mark through the marks service
— once, on the post's scale, only for an examiner judging the candidate, never past 回避."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance, application_assign
from mianshi.compliance.models import AuditEvent
from mianshi.events.dispatcher import event_dispatch
from mianshi.events.models import Event, Handling, HandlingStatus
from mianshi.interviews.models import InterviewSession, SessionState
from mianshi.interviews.notices import NOTICE_VERSION
from mianshi.interviews.services import ConsentInput, session_consent, session_open
from mianshi.invitations.services import invitation_create
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_model, make_question, make_template
from mianshi.recruitment.models import (
    Conflict,
    ConflictKind,
    Examiner,
    Mark,
    Panel,
    Substitute,
)
from mianshi.recruitment.services.marks import (
    conflict_resolve,
    conflicts_detect,
    declaration_add,
    mark_correct,
    mark_enter,
)
from mianshi.recruitment.services.panels import examiner_update, lots_draw, panel_draw
from mianshi.recruitment.tests.test_panels import DAY, pool, seated, shortlisted
from mianshi.recruitment.tests.world import RecruitmentWorld, id_number, recruitment_world
from mianshi.recruitment.workbench_marks import mark_from_total
from mianshi.reviews.models import Rating, RatingStatus
from mianshi.reviews.services.ratings import rating_decline, rating_save
from mianshi.reviews.tests.factories import _record

pytestmark = pytest.mark.django_db

# Weights of make_model's dimensions: communication .3, customer_focus .3, problem_solving .4.
SEVEN_EIGHT_NINE = {"communication": 7, "customer_focus": 8, "problem_solving": 9}  # 8.1
CONSUMER = "recruitment.rating_mark"


@dataclass
class Recorded:
    """A drawn panel whose candidates recorded their interview; 王伟 shares surname and
    native place with seats[0] (王芳). Seats 0 and 1 are users of the product."""

    world: RecruitmentWorld
    panel: Panel
    seats: list[Examiner]
    wang: Application
    session: InterviewSession
    fang: User  # seats[0]'s user
    li: User  # seats[1]'s user
    approver: User


def _templated(world: RecruitmentWorld) -> None:
    hr = world.hr
    model = make_model(world.org.sh, actor=hr)
    q1 = make_question(world.org.sh, hr, dimension_codes=["communication", "customer_focus"])
    q2 = make_question(world.org.sh, hr, text="请讲一次你解决复杂问题的经历。",
                       dimension_codes=["problem_solving"])  # fmt: skip
    template = make_template(world.org.sh, [q1, q2], hr, competency_model=model)
    world.job = job_update(actor=hr, job=world.job, data={"interview_template": template})


def recorded(world: RecruitmentWorld, app: Application) -> InterviewSession:
    """The candidate's interview, consented, recorded and finished (not analysed: the
    rating form then asks no override reasons)."""
    invitation, _token = invitation_create(actor=world.hr, application=app)
    session = session_open(invitation=invitation)
    consent = ConsentInput(recording=True, ai_analysis=True, biometric=True,
                           notice_version=NOTICE_VERSION)  # fmt: skip
    session_consent(session=session, data=consent, language="zh-hans")
    _record(session)
    InterviewSession.objects.filter(pk=session.pk).update(
        state=SessionState.DONE, finished_at=timezone.now()
    )
    for stage in (Stage.INTERVIEWING, Stage.INTERVIEW_DONE):
        application_advance(actor=world.hr, application=app, to_stage=stage)
    session.refresh_from_db()
    return session


def rater(world: RecruitmentWorld, make_user: Any, name: str, app: Application) -> User:
    user = make_user(name, Role.INTERVIEWER, world.org.sh)
    application_assign(actor=world.hr, application=app, interviewer=user)
    return user


@pytest.fixture
def r(org: Any, make_user: Any) -> Recorded:
    world = recruitment_world(org, make_user)
    _templated(world)
    pool(world)
    wang, *_others = shortlisted(world, ["王伟", "甲一", "乙二"])
    panel = panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY)
    lots_draw(actor=world.hr, panel=panel)
    seats = seated(panel)
    fang, li = (rater(world, make_user, n, wang) for n in ("fang", "li"))
    seats[0] = examiner_update(
        actor=world.hr, examiner=seats[0],
        data={"name": "王芳", "id_number": id_number("330106", "19700101", 700), "user": fang},
    )  # fmt: skip
    seats[1] = examiner_update(actor=world.hr, examiner=seats[1], data={"user": li})
    approver = make_user("approver", Role.DEPT_MANAGER, org.sh)
    session = recorded(world, wang)
    return Recorded(world, panel, seats, wang, session, fang, li, approver)


def submit(r: Recorded, user: User, scores: dict[str, int] = SEVEN_EIGHT_NINE) -> Rating:
    return rating_save(actor=user, session=r.session, scores=scores, reasons={}, submit=True)


def dispatched(rating: Rating) -> Event:
    """Run the rating's event through the outbox dispatcher, as a woken worker does."""
    event = Event.objects.get(type="rating.submitted", data__rating_id=rating.pk)
    event_dispatch(event_id=event.pk)
    return event


def redeliver(event: Event) -> None:
    """The same event handled again (a redelivery after a lost acknowledgement)."""
    Handling.objects.filter(event=event, consumer=CONSUMER).update(status=HandlingStatus.PENDING)
    event_dispatch(event_id=event.pk)


def handling(event: Event) -> Handling:
    return Handling.objects.get(event=event, consumer=CONSUMER)


def said(msgid: str, **values: Any) -> str:
    text = gettext(msgid)
    return re.escape(text % values if values else text)


# --- the conversion --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "max_score", "mark"),
    [
        ("1", "100", "0.00"),  # the lowest rating is the lowest mark
        ("10", "100", "100.00"),  # the highest the highest
        ("5.5", "100", "50.00"),
        ("7.33", "100", "70.33"),  # 633/9 = 70.333… rounds down
        ("8.1", "100", "78.89"),  # 710/9 = 78.888… rounds up
        ("8.35", "100", "81.67"),
        ("5.5", "10", "5.00"),
        ("1.01", "4.5", "0.01"),  # exactly 0.005: half up (banker's rounding would say 0.00)
    ],
)
def test_a_rating_total_maps_linearly_onto_the_mark_scale(
    total: str, max_score: str, mark: str
) -> None:
    assert mark_from_total(total, Decimal(max_score)) == Decimal(mark)


# --- the event path --------------------------------------------------------------------------


def test_an_examiners_rating_becomes_their_mark_once(r: Recorded) -> None:
    rating = submit(r, r.li)
    assert rating.total == pytest.approx(8.1)  # .3×7 + .3×8 + .4×9
    event = dispatched(rating)
    assert handling(event).status == HandlingStatus.DONE
    mark = Mark.objects.get(examiner=r.seats[1], application=r.wang)
    assert (mark.panel, mark.score) == (r.panel, Decimal("78.89"))
    entry = AuditEvent.objects.get(action="recruitment.mark.rating")
    assert entry.actor == r.li and entry.object_id == str(mark.pk)
    assert entry.detail == {"panel": r.panel.pk, "examiner": r.seats[1].pk, "rating": rating.pk,
                            "application": r.wang.pk, "score": "78.89"}  # fmt: skip
    redeliver(event)
    assert handling(event).status == HandlingStatus.DONE
    assert Mark.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="recruitment.mark").count() == 1


def test_the_posts_mark_scale_is_read_from_its_parameters(org: Any, make_user: Any) -> None:
    world = recruitment_world(org, make_user, max_score="10", pass_line="6")
    _templated(world)
    pool(world)
    [wang] = shortlisted(world, ["王伟"])
    panel = panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY)
    lots_draw(actor=world.hr, panel=panel)
    user = rater(world, make_user, "li", wang)
    examiner_update(actor=world.hr, examiner=seated(panel)[1], data={"user": user})
    session = recorded(world, wang)
    rating = rating_save(actor=user, session=session, scores=SEVEN_EIGHT_NINE, reasons={},
                         submit=True)  # fmt: skip
    dispatched(rating)
    assert Mark.objects.get().score == Decimal("7.89")  # 71/9 = 7.888…


def test_a_rating_submitted_again_corrects_the_mark_with_a_reason(r: Recorded) -> None:
    rating = submit(r, r.li)
    event = dispatched(rating)
    # Reviews keeps a submitted rating final; should it ever be submitted again, the
    # event carries the same rating with its new total.
    Rating.objects.filter(pk=rating.pk).update(total=7.33)
    redeliver(event)
    mark = Mark.objects.get()
    assert mark.score == Decimal("70.33")
    correction = AuditEvent.objects.get(action="recruitment.mark.correct")
    assert correction.detail == {"before": "78.89", "after": "70.33", "rating": rating.pk,
                                 "reason": f"rating {rating.pk} submitted again"}  # fmt: skip
    redeliver(event)
    assert AuditEvent.objects.filter(action="recruitment.mark.correct").count() == 1


def test_a_correction_on_the_sheet_holds_when_the_event_comes_again(r: Recorded) -> None:
    event = dispatched(submit(r, r.li))
    mark = Mark.objects.get()
    mark_correct(actor=r.world.hr, mark=mark, score=Decimal("80"), reason="考官当场更正")
    redeliver(event)
    assert Mark.objects.get().score == Decimal("80.00")


def test_a_rater_who_does_not_judge_the_candidate_marks_nothing(
    r: Recorded, make_user: Any
) -> None:
    hr_rating = submit(r, r.world.hr)  # HR rates, and sits on no panel
    outsider = Examiner.objects.exclude(seats__panel=r.panel).first()
    assert outsider is not None
    other = rater(r.world, make_user, "outsider", r.wang)
    examiner_update(actor=r.world.hr, examiner=outsider, data={"user": other})
    other_rating = submit(r, other)  # in the pool, not on this panel
    for rating in (hr_rating, other_rating):
        assert handling(dispatched(rating)).status == HandlingStatus.DONE
    assert not Mark.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="recruitment.mark").exists()


def test_a_candidate_outside_every_panel_is_left_alone(r: Recorded, make_user: Any) -> None:
    late = r.world.apply("迟到")
    user = rater(r.world, make_user, "late_rater", late)
    examiner_update(actor=r.world.hr, examiner=r.seats[2], data={"user": user})
    rating = rating_save(actor=user, session=recorded(r.world, late), scores=SEVEN_EIGHT_NINE,
                         reasons={}, submit=True)  # fmt: skip
    assert handling(dispatched(rating)).status == HandlingStatus.DONE
    assert not Mark.objects.exists()


# --- refusals after the rating: audited, never retried ---------------------------------------


def test_a_conflict_declared_after_the_rating_refuses_the_mark_once(r: Recorded) -> None:
    rating = submit(r, r.li)
    declaration_add(actor=r.world.hr, examiner=r.seats[1], application=r.wang,
                    relation="other_interest")  # fmt: skip
    event = dispatched(rating)
    assert handling(event).status == HandlingStatus.DONE  # not retried: it would fail again
    assert handling(event).attempts == 1
    assert not Mark.objects.exists()
    refused = AuditEvent.objects.get(action="recruitment.mark.rating_refused")
    assert refused.actor == r.li
    assert refused.detail == {"rating": rating.pk, "examiner": r.seats[1].pk,
                              "application": r.wang.pk, "total": "8.1", "score": "78.89",
                              "refusal": "conflict"}  # fmt: skip
    assert "李" not in str(refused.detail) and r.seats[1].name not in str(refused.detail)


def test_a_mark_already_on_the_sheet_is_not_overwritten(r: Recorded) -> None:
    Panel.objects.filter(pk=r.panel.pk).update(interview_on=timezone.localdate())
    r.panel.refresh_from_db()
    mark_enter(actor=r.world.hr, panel=r.panel, examiner=r.seats[1], application=r.wang,
               score=Decimal("85"))  # fmt: skip
    dispatched(submit(r, r.li))
    assert Mark.objects.get().score == Decimal("85.00")
    refused = AuditEvent.objects.get(action="recruitment.mark.rating_refused")
    assert refused.detail["refusal"] == "marked"


# --- 回避 blocks the rating up front ----------------------------------------------------------

OPEN = (
    "You may not rate this candidate while your 回避 conflict (%(kind)s) is unresolved: ask "
    "for it to be resolved, or choose not to rate this interview."
)
UPHELD = (
    "You stand aside for this candidate (回避 upheld): you may not rate this interview. "
    "Choose not to rate it instead."
)


def test_an_examiner_with_an_open_conflict_may_not_rate(r: Recorded) -> None:
    kind = str(ConflictKind.SURNAME_PLACE.label)
    # Refused before anyone ran the check (the pure check finds the tie), and after.
    with pytest.raises(ValidationError, match=said(OPEN, kind=kind)):
        submit(r, r.fang)
    conflicts_detect(actor=r.world.hr, panel=r.panel)
    for draft in (False, True):  # a draft is refused too: nothing of theirs is kept
        with pytest.raises(ValidationError, match=said(OPEN, kind=kind)) as exc:
            rating_save(actor=r.fang, session=r.session, scores=SEVEN_EIGHT_NINE, reasons={},
                        submit=draft)  # fmt: skip
        assert exc.value.code == "guarded"
    assert not Rating.objects.filter(rater=r.fang).exists()
    conflict = Conflict.objects.get(examiner=r.seats[0], application=r.wang)
    conflict_resolve(actor=r.approver, conflict=conflict, upheld=False, reason="核实无亲属关系")
    dispatched(submit(r, r.fang))
    assert Mark.objects.get(examiner=r.seats[0]).score == Decimal("78.89")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rating_form_says_why_it_refuses(r: Recorded, client: Any, language: str) -> None:
    client.force_login(r.fang)
    client.cookies["django_language"] = language
    data = {f"score_{c}": str(v) for c, v in SEVEN_EIGHT_NINE.items()} | {"action": "submit"}
    response = client.post(reverse("reviews:rating", args=[r.session.pk]), data)
    assert response.status_code == 400
    with translation.override(language):
        reason = gettext(OPEN) % {"kind": str(ConflictKind.SURNAME_PLACE.label)}
    assert reason in response.content.decode()
    assert not Rating.objects.filter(rater=r.fang).exists()


def test_an_examiner_who_stands_aside_may_only_decline(r: Recorded, make_user: Any) -> None:
    conflicts_detect(actor=r.world.hr, panel=r.panel)
    conflict = Conflict.objects.get(examiner=r.seats[0], application=r.wang)
    conflict_resolve(actor=r.approver, conflict=conflict, upheld=True, reason="同乡回避")
    with pytest.raises(ValidationError, match=said(UPHELD)):
        submit(r, r.fang)
    declined = rating_decline(actor=r.fang, session=r.session, reason="本人申请回避")
    assert declined.status == RatingStatus.DECLINED
    # The substitute drawn for 王伟 judges them: their rating becomes their mark.
    substitute = Substitute.objects.get(application=r.wang).examiner
    sub_user = rater(r.world, make_user, "substitute", r.wang)
    examiner_update(actor=r.world.hr, examiner=substitute, data={"user": sub_user})
    dispatched(submit(r, sub_user))
    assert Mark.objects.get().examiner == substitute


def test_a_rater_on_no_panel_is_not_guarded(r: Recorded) -> None:
    assert submit(r, r.world.hr).status == RatingStatus.SUBMITTED


def test_the_guard_reads_each_pair_only(r: Recorded) -> None:
    """王芳's conflict is with 王伟 only: she rates another candidate of the panel freely."""
    other = Application.objects.exclude(pk=r.wang.pk).filter(lot__panel=r.panel).first()
    assert other is not None
    application_assign(actor=r.world.hr, application=other, interviewer=r.fang)
    session = recorded(r.world, other)
    rating = rating_save(actor=r.fang, session=session, scores=SEVEN_EIGHT_NINE, reasons={},
                         submit=True)  # fmt: skip
    dispatched(rating)
    assert Mark.objects.get(application=other).examiner == r.seats[0]
