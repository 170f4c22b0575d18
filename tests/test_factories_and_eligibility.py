"""The audience rules: who may attend which session."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.programme.eligibility import may_attend, visible_to
from festival.programme.models import Audience, ProgrammeSession
from festival.registration.models import DelegateRole, DelegateStatus
from tests.factories import make_delegate, make_delegation, make_festival, make_session


def test_only_mayors_see_the_mayors_forum_and_only_invited_see_invited_sessions(app):
    with app.app_context():
        festival = make_festival()
        parma = make_delegation(festival)
        lyon = make_delegation(festival)
        mayor = make_delegate(parma, role=DelegateRole.MAYOR)
        deputy = make_delegate(lyon, role=DelegateRole.DEPUTY_MAYOR)
        interpreter = make_delegate(parma, role=DelegateRole.INTERPRETER)
        cancelled = make_delegate(lyon, role=DelegateRole.MAYOR, status=DelegateStatus.CANCELLED)
        public = make_session(festival, audience=Audience.PUBLIC)
        forum = make_session(festival, audience=Audience.MAYORS, title="Mayors' Forum")
        private = make_session(festival, audience=Audience.INVITED)
        private.invited_delegations.append(parma)
        db.session.flush()

        def visible(delegate):
            query = sa.select(ProgrammeSession.id).where(visible_to(delegate))
            return set(db.session.scalars(query))

        assert visible(mayor) == {public.id, forum.id, private.id}
        assert visible(deputy) == {public.id, forum.id}
        assert visible(interpreter) == {public.id, private.id}
        assert visible(cancelled) == set()
        for delegate in (mayor, deputy, interpreter, cancelled):
            for session in (public, forum, private):
                assert may_attend(session, delegate) == (session.id in visible(delegate))
