"""Who may read a submission's code: beyond its owner and moderators, the other players of a
game it was handed in to, once that game is over (while it runs, and in the grace after its
end while hand-ins are still taken, nobody reads anybody's code)."""

from __future__ import annotations

from codincod.actors import Actor
from codincod.games import lifecycle
from codincod.games.models import Game, GamePlayer, GameSubmission
from codincod.submissions import service as submissions
from codincod.submissions.models import Submission
from codincod.timeutil import utcnow


async def view_submission(actor: Actor, submission_id: str) -> submissions.SubmissionView:
    async def shared_finished_game(submission: Submission) -> bool:
        return await _shared_finished_game(actor, submission)

    return await submissions.view(actor, submission_id, also_shown=shared_finished_game)


async def _shared_finished_game(actor: Actor, submission: Submission) -> bool:
    """Whether the actor played a game this submission was handed in to, and it is over
    (the grace included: a rival could still hand in what they read)."""
    game_ids = await GameSubmission.filter(submission_id=submission.id).values_list(
        "game_id", flat=True
    )
    if not game_ids:
        return False
    seated = await GamePlayer.filter(game_id__in=list(game_ids), user_id=actor.id).values_list(
        "game_id", flat=True
    )
    return await Game.filter(lifecycle.over(utcnow()), id__in=list(seated)).exists()
