"""The console driven as a moderator would, against a real server: every action is checked
over HTTP afterwards, as the server sees it."""

from __future__ import annotations

import os
import stat
import time
from datetime import timedelta

import httpx
import jwt
import pytest
from textual.widgets import DataTable, Input

from codincod.accounts.models import UserBan
from codincod.games.models import Game
from codincod.moderation.models import AuditEntry, Report
from codincod.puzzles.models import Puzzle
from codincod.timeutil import utcnow
from tests.actors import bearer, moderator, player
from tests.console.support import (
    Staff,
    console,
    finished_game,
    pending_puzzle,
    report_user,
    screen_text,
    until,
)
from tests.support import ServerProcess, client, fresh_address
from tui import config
from tui.screens.dashboard import Dashboard
from tui.screens.game import GameScreen
from tui.screens.login import Login

pytestmark = pytest.mark.usefixtures("orm")
PASSWORD = "a long password!!"


def table_rows(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [" ".join(str(c) for c in table.get_row_at(n)) for n in range(table.row_count)]


async def on_screen(pilot, app, key: str, title: str) -> None:
    """Press ``key`` once the console is signed in, and wait for its screen."""
    await until(lambda: app.is_screen_installed("dashboard"), pilot)
    await pilot.press(key)
    await until(lambda: app.screen.title == title and app.screen.query(DataTable), pilot)


async def select(pilot, app, text: str) -> None:
    """Filter the current table to the row holding ``text`` (the cursor lands on it)."""
    await until(lambda: any(text in row for row in table_rows(app)), pilot)
    await pilot.press("slash")
    app.screen.query_one("#filter", Input).value = text
    await pilot.press("enter")
    await until(lambda: table_rows(app) and text in table_rows(app)[0], pilot)


# --- starting and logging in ---------------------------------------------------------------------


async def test_the_login_screen_refuses_a_wrong_password_and_stays(staff: Staff) -> None:
    async with console(staff.url, None) as (app, pilot):
        await until(lambda: isinstance(app.screen, Login), pilot)
        assert "Password" in screen_text(app)
        app.screen.query_one("#username", Input).value = "con_admin"
        app.screen.query_one("#password", Input).value = "not the password"
        app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await until(lambda: "Invalid" in screen_text(app), pilot)
        assert isinstance(app.screen, Login)


async def test_logging_in_shows_the_dashboard_and_keeps_the_token_private(
    staff: Staff, config_home
) -> None:
    async with console(staff.url, None) as (app, pilot):
        app.screen.query_one("#username", Input).value = "con_admin"
        app.screen.query_one("#password", Input).value = PASSWORD
        app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, Dashboard), pilot)
        await until(lambda: "Users" in screen_text(app), pilot)
        assert "Dashboard" in screen_text(app)
    kept = config.load_token(staff.url)
    assert kept and kept.count(".") == 2
    files = list((config_home / "codincod").glob("console-token-*"))
    assert len(files) == 1 and stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    assert files[0].read_text() == kept


async def test_a_kept_token_is_reused_and_the_dashboard_shows_within_a_second(
    staff: Staff,
) -> None:
    async with console(staff.url, staff.admin) as (app, pilot):
        await until(lambda: "Users" in screen_text(app), pilot, seconds=1)
        assert isinstance(app.screen, Dashboard)


async def test_a_plain_user_is_told_and_the_console_exits_non_zero(staff: Staff) -> None:
    async with client(staff.url) as http:
        token, _ = await player(http, "con_plain")
    async with console(staff.url, token) as (app, pilot):
        await until(lambda: app.return_code is not None, pilot)
    assert app.return_code == 2


async def test_one_key_per_screen(staff: Staff) -> None:
    titles = {
        "2": "Review queue",
        "3": "Reports",
        "4": "Users",
        "5": "Games",
        "6": "Appeals",
        "7": "Audit log",
        "8": "Migrations",
    }
    async with console(staff.url, staff.admin) as (app, pilot):
        await until(lambda: isinstance(app.screen, Dashboard), pilot)
        for key, title in titles.items():
            await on_screen(pilot, app, key, title)
        await pilot.press("1")
        await until(lambda: isinstance(app.screen, Dashboard), pilot)


# --- the review queue ----------------------------------------------------------------------------


async def test_enter_claims_the_puzzle_and_shows_it(staff: Staff) -> None:
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Claimed by enter")
        async with console(staff.url, staff.admin) as (app, pilot):
            await on_screen(pilot, app, "2", "Review queue")
            await select(pilot, app, "Claimed by enter")
            await pilot.press("enter")

            async def claimed() -> bool:
                queue = await http.get(
                    "/api/v1/moderation/review?limit=100", headers=bearer(staff.other)
                )
                row = next(i for i in queue.json()["data"] if i["id"] == puzzle)
                return (row["claimedBy"] or {}).get("username") == "con_admin"

            await until(claimed, pilot, seconds=2)
            await until(lambda: "Statement of Claimed by enter" in screen_text(app), pilot)


async def test_a_approves_after_a_confirmation(staff: Staff) -> None:
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Approve me now")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "2", "Review queue")
        await select(pilot, app, "Approve me now")
        await pilot.press("a")
        await until(lambda: "Approve 'Approve me now'?" in screen_text(app), pilot)
        await pilot.press("y")
        await until(lambda: "Puzzle approved" in screen_text(app), pilot)
    assert (await Puzzle.get(id=puzzle)).visibility == "approved"
    assert await AuditEntry.exists(action="approve", target_id=puzzle, actor_id=staff.admin_id)


async def test_escape_in_a_confirmation_changes_nothing(staff: Staff) -> None:
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Not this one")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "2", "Review queue")
        await select(pilot, app, "Not this one")
        await pilot.press("a")
        await until(lambda: "Approve 'Not this one'?" in screen_text(app), pilot)
        await pilot.press("escape")
        await pilot.pause(0.3)
    assert (await Puzzle.get(id=puzzle)).visibility == "ready"


async def test_r_sends_a_puzzle_back_with_a_reason(staff: Staff) -> None:
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Needs more work")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "2", "Review queue")
        await select(pilot, app, "Needs more work")
        await pilot.press("r")
        await until(lambda: "reason" in screen_text(app), pilot)
        app.screen.query_one("#reason", Input).value = "short"
        await pilot.press("enter")
        await until(lambda: "at least 10" in screen_text(app), pilot)
        app.screen.query_one("#reason", Input).value = "The validators do not cover negatives"
        await pilot.press("enter")
        await until(lambda: "sent back" in screen_text(app), pilot)
    found = await Puzzle.get(id=puzzle)
    assert found.visibility == "revise" and "negatives" in (found.moderation_feedback or "")


async def test_the_filter_keeps_matching_rows_and_lands_on_the_first(staff: Staff) -> None:
    async with client(staff.url) as http:
        await pending_puzzle(http, "Zebra crossing puzzle")
        await pending_puzzle(http, "Zebra stripes puzzle")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "2", "Review queue")
        await until(lambda: any("Zebra" in row for row in table_rows(app)), pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#filter", Input)
        app.screen.query_one("#filter", Input).value = "zebra"
        await pilot.press("enter")
        await until(lambda: len(table_rows(app)) == 2, pilot)
        table = app.screen.query_one(DataTable)
        assert app.focused is table and table.cursor_row == 0
        assert all("Zebra" in row for row in table_rows(app))
        await pilot.press("escape")
        await until(lambda: len(table_rows(app)) > 2, pilot)


# --- reports -------------------------------------------------------------------------------------


async def test_x_upholds_after_saying_what_escalation_will_do(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, offender = await player(http, "con_offender_x")
        report = await report_user(http, offender, "con_rep_x")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "3", "Reports")
        await select(pilot, app, "con_offender_x")
        await pilot.press("x")
        await until(lambda: "1st upheld report: no new ban" in screen_text(app), pilot)
        await pilot.press("enter")
        await until(lambda: "Report upheld" in screen_text(app), pilot)
    assert (await Report.get(id=report)).status == "resolved"


async def test_j_rejects_a_report(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, offender = await player(http, "con_offender_j")
        report = await report_user(http, offender, "con_rep_j")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "3", "Reports")
        await select(pilot, app, "con_offender_j")
        await pilot.press("j")
        await until(lambda: "Reject this report?" in screen_text(app), pilot)
        await pilot.press("y")
        await until(lambda: "Report rejected" in screen_text(app), pilot)
    assert (await Report.get(id=report)).status == "rejected"


async def test_enter_on_a_report_shows_the_evidence(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, offender = await player(http, "con_offender_e")
        await report_user(http, offender, "con_rep_e")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "3", "Reports")
        await select(pilot, app, "con_offender_e")
        await pilot.press("enter")
        await until(lambda: "upheld reports" in screen_text(app), pilot)
        assert "If upheld: 1st upheld report: no new ban" in screen_text(app)


async def test_b_bans_the_reported_user_for_days_then_a_reason(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, offender = await player(http, "con_offender_b")
        await report_user(http, offender, "con_rep_b")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "3", "Reports")
        await select(pilot, app, "con_offender_b")
        await pilot.press("b")
        await until(lambda: app.screen.query("#days"), pilot)
        app.screen.query_one("#days", Input).value = "2"
        await pilot.press("tab")
        app.screen.query_one("#reason", Input).value = "Insults in the game chat"
        await pilot.press("enter")
        await until(lambda: "banned for 2 days" in screen_text(app), pilot)
    ban = await UserBan.get(user_id=offender, is_active=True)
    assert ban.ban_type == "temporary"


# --- users ---------------------------------------------------------------------------------------


async def test_t_bans_for_a_while_and_u_lifts_it(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, target = await player(http, "con_tban")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "4", "Users")
        await select(pilot, app, "con_tban")
        await pilot.press("t")
        await until(lambda: app.screen.query("#days"), pilot)
        app.screen.query_one("#days", Input).value = "1.5"
        await pilot.press("tab")
        app.screen.query_one("#reason", Input).value = "Cooling off for a while"
        await pilot.press("enter")
        await until(lambda: "banned for 1.5 days" in screen_text(app), pilot)
        assert await UserBan.exists(user_id=target, is_active=True)
        await pilot.press("u")
        await until(lambda: "reason" in screen_text(app), pilot)
        app.screen.query_one("#reason", Input).value = "Served enough of it now"
        await pilot.press("enter")
        await until(lambda: "unbanned" in screen_text(app), pilot)
    assert not await UserBan.exists(user_id=target, is_active=True)


async def test_p_bans_for_good_only_when_the_name_is_typed(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, target = await player(http, "con_pban")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "4", "Users")
        await select(pilot, app, "con_pban")
        await pilot.press("p")
        await until(lambda: app.screen.query("#name"), pilot)
        app.screen.query_one("#name", Input).value = "con_pbam"
        await pilot.press("enter")
        app.screen.query_one("#reason", Input).value = "Cheating in every rated game"
        await pilot.press("enter")
        await until(lambda: "does not match" in screen_text(app), pilot)
        assert not await UserBan.exists(user_id=target)
        app.screen.query_one("#name", Input).value = "con_pban"
        app.screen.query_one("#reason", Input).focus()
        await pilot.press("enter")
        await until(lambda: "banned permanently" in screen_text(app), pilot)
    assert (await UserBan.get(user_id=target, is_active=True)).ban_type == "permanent"


async def test_h_shows_the_ban_history_and_enter_the_details(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, target = await player(http, "con_hist")
        await http.post(
            f"/api/v1/moderation/user/{target}/ban/temporary",
            json={"reason": "An earlier ban for spam", "duration": 1},
            headers=bearer(staff.admin),
        )
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "4", "Users")
        await select(pilot, app, "con_hist")
        await pilot.press("h")
        await until(lambda: "Ban history of con_hist" in screen_text(app), pilot)
        assert "An earlier ban for spam" in screen_text(app)
        await pilot.press("enter")
        await until(lambda: "Reports against them" in screen_text(app), pilot)


# --- appeals, audit, migrations -----------------------------------------------------------------


async def _banned_with_appeal(http: httpx.AsyncClient, staff: Staff, name: str) -> str:
    token, target = await player(http, name)
    await http.post(
        f"/api/v1/moderation/user/{target}/ban/permanent",
        json={"reason": "Cheating in every rated game"},
        headers=bearer(staff.admin),
    )
    filed = await http.post(
        "/api/v1/appeal", json={"reason": "It was my brother, honestly"}, headers=bearer(token)
    )
    assert filed.status_code == 201, filed.text
    return target


@pytest.mark.parametrize("key", ["a", "j"])
async def test_appeals_are_accepted_or_rejected_with_a_reason(staff: Staff, key: str) -> None:
    name = f"con_appeal_{key}"
    async with client(staff.url) as http:
        target = await _banned_with_appeal(http, staff, name)
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "6", "Appeals")
        await select(pilot, app, name)
        await pilot.press("enter")  # the ban appealed: when, by whom, whether in force
        await until(lambda: "by con_admin (in force)" in screen_text(app), pilot)
        await pilot.press(key)
        await until(lambda: "reason" in screen_text(app), pilot)
        app.screen.query_one("#reason", Input).value = "Looked at the game logs"
        await pilot.press("enter")
        await until(
            lambda: (
                ("Appeal" in screen_text(app) and "ccepted" in screen_text(app))
                or "rejected" in screen_text(app)
            ),
            pilot,
        )
    still_banned = await UserBan.exists(user_id=target, is_active=True)
    assert still_banned is (key == "j")


async def test_the_audit_log_filters_by_actor_and_action(staff: Staff) -> None:
    async with client(staff.url) as http:
        other_mod, _ = await moderator(http, "con_auditor")
        _, target = await player(http, "con_audited")
        await http.post(
            f"/api/v1/moderation/user/{target}/ban/temporary",
            json={"reason": "For the audit screen", "duration": 1},
            headers=bearer(other_mod),
        )
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "7", "Audit log")
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = "actor:con_auditor action:ban"
        await pilot.press("enter")
        await until(
            lambda: table_rows(app) and all("con_auditor" in r for r in table_rows(app)), pilot
        )
        assert len(table_rows(app)) == 1 and "ban" in table_rows(app)[0]
        assert "user con_audited" in table_rows(app)[0]  # the user by name, not by id
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = "target:con_audited"
        await pilot.press("enter")
        await until(lambda: table_rows(app) and "con_auditor" in table_rows(app)[0], pilot)
        assert len(table_rows(app)) == 1


async def test_migrations_are_listed_and_an_upgrade_is_confirmed_and_audited(
    staff: Staff,
) -> None:
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "8", "Migrations")
        await until(lambda: any("applied" in row for row in table_rows(app)), pilot)
        await pilot.press("m")
        await until(lambda: "Nothing is pending" in screen_text(app), pilot)
        await pilot.press("y")
        await until(lambda: "Applied 0 migration" in screen_text(app), pilot)
    assert await AuditEntry.exists(action="migrate", actor_id=staff.admin_id)


# --- read-only, claims, live -------------------------------------------------------------------


async def test_a_read_only_console_sends_nothing(staff: Staff) -> None:
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Read only looks")
    async with console(staff.url, staff.admin, read_only=True) as (app, pilot):
        await until(lambda: "read-only" in (app.sub_title or ""), pilot)
        assert app.client.token != staff.admin  # exchanged for a read-only one
        await on_screen(pilot, app, "2", "Review queue")
        await select(pilot, app, "Read only looks")
        await pilot.press("a")
        await until(lambda: "read-only" in screen_text(app), pilot)
        got = await httpx.AsyncClient(base_url=staff.url).post(
            f"/api/v1/moderation/puzzle/{puzzle}/approve", headers=bearer(app.client.token or "")
        )
        assert got.status_code == 403 and got.json()["error"] == "read-only session"
    assert (await Puzzle.get(id=puzzle)).visibility == "ready"


async def test_a_second_console_cannot_decide_what_the_first_holds(staff: Staff) -> None:
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Held by the first")
    async with console(staff.url, staff.admin) as (first, first_pilot):
        await on_screen(first_pilot, first, "2", "Review queue")
        await select(first_pilot, first, "Held by the first")
        await first_pilot.press("enter")
        async with console(staff.url, staff.other) as (second, pilot):
            await on_screen(pilot, second, "2", "Review queue")
            await select(pilot, second, "Held by the first")
            await until(lambda: "con_admin" in table_rows(second)[0], pilot)
            await pilot.press("a")
            await until(lambda: "Approve" in screen_text(second), pilot)
            await pilot.press("y")
            await until(lambda: "con_admin is working on this puzzle" in screen_text(second), pilot)
    assert (await Puzzle.get(id=puzzle)).visibility == "ready"


async def test_the_dashboard_updates_by_push(staff: Staff) -> None:
    async with console(staff.url, staff.admin) as (app, pilot):
        await until(lambda: app.feed_live and "Reports pending" in screen_text(app), pilot)
        before = screen_text(app)
        async with client(staff.url) as http:
            _, offender = await player(http, "con_pushed")
            await report_user(http, offender, "con_rep_push")
        await until(lambda: screen_text(app) != before, pilot, seconds=3)


async def test_a_finished_game_replays_with_play_speed_and_scrubbing(staff: Staff) -> None:
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Replayed puzzle")
        game = await finished_game(http, ["con_rp_a", "con_rp_b"], puzzle)
    async with console(staff.url, staff.admin) as (app, pilot):
        await until(lambda: isinstance(app.screen, Dashboard), pilot)
        await app.push_screen(GameScreen(game))
        await until(lambda: "0/6" in screen_text(app), pilot)
        await pilot.press("right", "right", "right")
        await until(lambda: "3/6" in screen_text(app), pilot)
        assert "con_rp_a: good luck everyone" in screen_text(app)
        assert "handed in" not in screen_text(app)
        await pilot.press("end")
        await until(lambda: "6/6" in screen_text(app), pilot)
        assert "con_rp_b handed in (100% passed)" in screen_text(app)
        await pilot.press("home", "s", "s")
        await until(lambda: "16x" in screen_text(app), pilot)
        await pilot.press("space")
        await until(lambda: "playing" in screen_text(app), pilot)
        await until(lambda: "/6" in screen_text(app) and "0/6" not in screen_text(app), pilot)


async def test_games_shows_rooms_with_their_host(staff: Staff) -> None:
    from tests.sockets import Socket

    async with client(staff.url) as http:
        host, _ = await player(http, "con_room_host")
    lobby = await Socket.open(staff.url, "/ws", host)
    await lobby.next("rooms:overview")
    await lobby.send("room:host")
    await lobby.next("room:overview")
    try:
        async with console(staff.url, staff.admin) as (app, pilot):
            await on_screen(pilot, app, "5", "Games")
            await until(lambda: any("con_room_host" in row for row in table_rows(app)), pilot)
    finally:
        await lobby.close()


async def test_question_mark_lists_the_keys(staff: Staff) -> None:
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "2", "Review queue")
        await pilot.press("question_mark")
        await until(lambda: "Approve" in screen_text(app) and "Filter" in screen_text(app), pilot)


async def test_keys_can_be_remapped(staff: Staff, config_home) -> None:
    (config_home / "codincod").mkdir(parents=True, exist_ok=True)
    (config_home / "codincod" / "console.toml").write_text('[keys]\napprove = "A"\n')
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Remapped approve")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "2", "Review queue")
        await select(pilot, app, "Remapped approve")
        await pilot.press("a")
        await pilot.pause(0.3)
        assert "Approve 'Remapped approve'?" not in screen_text(app)
        await pilot.press("A")
        await until(lambda: "Approve 'Remapped approve'?" in screen_text(app), pilot)
        await pilot.press("y")
        await until(lambda: "Puzzle approved" in screen_text(app), pilot)
    assert (await Puzzle.get(id=puzzle)).visibility == "approved"


# --- connection, errors, the rest -------------------------------------------------------------


async def test_a_server_restart_shows_a_banner_and_everything_resyncs(
    staff: Staff, env: dict[str, str], tmp_path
) -> None:
    own = ServerProcess(env, tmp_path / "restarted.log")
    own.start()
    try:
        async with console(own.url, staff.admin) as (app, pilot):
            await until(lambda: app.feed_live, pilot)
            own.stop()
            await until(lambda: "offline" in (app.sub_title or ""), pilot, seconds=5)
            async with client(staff.url) as http:
                puzzle_title = "Made while the console was offline"
                await pending_puzzle(http, puzzle_title)
            own.start()
            await until(lambda: app.feed_live, pilot, seconds=20)
            assert "offline" not in (app.sub_title or "")
            await on_screen(pilot, app, "2", "Review queue")
            await until(lambda: any(puzzle_title[:20] in row for row in table_rows(app)), pilot)
    finally:
        own.stop()


async def test_a_server_that_is_down_at_start_is_said_plainly(staff: Staff) -> None:
    async with console("http://127.0.0.1:9", staff.admin) as (app, pilot):
        await until(lambda: "unreachable" in screen_text(app), pilot)


async def test_a_refusal_becomes_a_notification(staff: Staff) -> None:
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Approved behind its back")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "2", "Review queue")
        await select(pilot, app, "Approved behind its back")
        async with client(staff.url) as http:
            await http.delete(f"/api/v1/puzzle/{puzzle}", headers=bearer(staff.admin))
        await pilot.press("a", "y")
        await until(lambda: "Puzzle not found" in screen_text(app), pilot)


async def test_read_only_from_the_login_screen(staff: Staff) -> None:
    async with console(staff.url, None, read_only=True) as (app, pilot):
        app.screen.query_one("#username", Input).value = "con_admin"
        app.screen.query_one("#password", Input).value = PASSWORD
        app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await until(lambda: "read-only" in (app.sub_title or ""), pilot)
        token = app.client.token or ""
    async with client(staff.url) as http:
        got = await http.post("/api/v1/puzzle", json={"title": "x" * 8}, headers=bearer(token))
    assert got.status_code == 403


async def test_read_only_refuses_every_screens_actions(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, target = await player(http, "con_ro_target")
    async with console(staff.url, staff.admin, read_only=True) as (app, pilot):
        await on_screen(pilot, app, "4", "Users")
        await select(pilot, app, "con_ro_target")
        for key in ("t", "p", "u"):
            await pilot.press(key)
        await until(lambda: screen_text(app).count("read-only session") >= 3, pilot)
        assert not app.screen_stack[-1].query("#days")
    assert not await UserBan.exists(user_id=target)


async def test_the_user_search_asks_the_server(staff: Staff) -> None:
    async with client(staff.url) as http:
        await player(http, "con_findme_xyz")
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "4", "Users")
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = "findme_x"
        await pilot.press("enter")
        await until(lambda: table_rows(app) and "con_findme_xyz" in table_rows(app)[0], pilot)
        assert len(table_rows(app)) == 1


async def test_opening_a_report_or_an_appeal_claims_it(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, offender = await player(http, "con_claimed_rep")
        report = await report_user(http, offender, "con_rep_claim")
        await _banned_with_appeal(http, staff, "con_claimed_apl")
        async with console(staff.url, staff.admin) as (app, pilot):
            await on_screen(pilot, app, "3", "Reports")
            await select(pilot, app, "con_claimed_rep")
            await pilot.press("enter")

            async def holder(kind: str, item: str) -> str | None:
                queue = await http.get(
                    f"/api/v1/moderation/review?type={kind}&limit=100", headers=bearer(staff.other)
                )
                row = next(i for i in queue.json()["data"] if i["id"] == item)
                return (row["claimedBy"] or {}).get("username")

            await until(lambda: holder("reported_user", report), pilot, seconds=2)
            await on_screen(pilot, app, "6", "Appeals")
            await select(pilot, app, "con_claimed_apl")
            await pilot.press("enter")
            appeals = await http.get(
                "/api/v1/moderation/review?type=ban_appeal&limit=100", headers=bearer(staff.other)
            )
            appeal = next(
                i["id"]
                for i in appeals.json()["data"]
                if i["reportedUserName"] == "con_claimed_apl"
            )
            await until(lambda: holder("ban_appeal", appeal), pilot, seconds=2)
            # leaving the screen lets go of it
            await pilot.press("1")
            await until(lambda: _is_none(holder("ban_appeal", appeal)), pilot, seconds=2)


async def _is_none(value) -> bool:
    return (await value) is None


async def test_the_command_palette_lists_the_screens_actions(staff: Staff) -> None:
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "4", "Users")
        commands = [command.title for command in app.get_system_commands(app.screen)]
        for action in ("Temp ban", "Perm ban", "Unban", "History", "Filter"):
            assert action in commands, commands
        await pilot.press("ctrl+p")
        await until(lambda: app.screen.__class__.__name__ == "CommandPalette", pilot)


async def test_a_live_game_shows_its_players_and_hand_ins(staff: Staff) -> None:
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "Live monitored puzzle")
        game = await finished_game(http, ["con_live_a", "con_live_b"], puzzle)
    await Game.filter(id=game).update(
        status="in_progress", end_time=utcnow() + timedelta(minutes=5)
    )
    async with console(staff.url, staff.admin) as (app, pilot):
        await until(lambda: isinstance(app.screen, Dashboard), pilot)
        await app.push_screen(GameScreen(game))
        await until(lambda: "players: con_live_a, con_live_b" in screen_text(app), pilot)
        assert "live" in screen_text(app) and "good luck everyone" in screen_text(app)


async def test_the_dashboard_polls_while_the_feed_is_down(staff: Staff) -> None:
    async with console(staff.url, staff.admin) as (app, pilot):
        await until(lambda: app.feed_live and "Users" in screen_text(app), pilot)
        app.feed_live = False  # as while reconnecting: the dashboard polls instead
        before = screen_text(app)
        async with client(staff.url) as http:
            await player(http, "con_polled")
        await until(lambda: screen_text(app) != before, pilot, seconds=7)


async def test_a_kept_token_is_used_and_an_expired_one_is_not(staff: Staff) -> None:
    config.save_token(staff.url, staff.admin)
    async with console(staff.url, config.load_token(staff.url)) as (app, pilot):
        await until(lambda: isinstance(app.screen, Dashboard), pilot)
        await until(lambda: "loading" not in screen_text(app), pilot)  # the stats it read
    expired = jwt.encode(
        {"userId": "0" * 24, "exp": int(time.time()) - 60, "iat": int(time.time()) - 120},
        "whatever-secret-of-32-bytes-or-more!",
    )
    config.save_token(staff.url, expired)
    assert config.load_token(staff.url) is None
    async with console(staff.url, config.load_token(staff.url)) as (app, pilot):
        await until(lambda: isinstance(app.screen, Login), pilot)
        await until(lambda: "Password" in screen_text(app), pilot)


async def test_escape_in_a_reason_dialog_sends_nothing(staff: Staff) -> None:
    async with client(staff.url) as http:
        _, target = await player(http, "con_esc_unban")
        await http.post(
            f"/api/v1/moderation/user/{target}/ban/temporary",
            json={"reason": "Held for the escape test", "duration": 1},
            headers=bearer(staff.admin),
        )
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "4", "Users")
        await select(pilot, app, "con_esc_unban")
        await pilot.press("u")
        await until(lambda: "reason" in screen_text(app), pilot)
        app.screen.query_one("#reason", Input).value = "A reason that is never sent"
        await pilot.press("escape")
        await pilot.pause(0.3)
    assert await UserBan.exists(user_id=target, is_active=True)


async def test_text_that_looks_like_markup_is_shown_as_it_is(staff: Staff) -> None:
    """Titles, statements and report texts are the players' own: a ``[/b]`` in one is text,
    never a tag (a malformed tag read as markup would stop the console drawing)."""
    title = "Tags [/b] and [red]colour"
    async with client(staff.url) as http:
        puzzle = await pending_puzzle(http, "markup puzzle")
        await Puzzle.filter(id=puzzle).update(title=title, statement="A [/x] statement [link=x]")
        reporter, _ = await player(http, "con_rep_markup")
        _, offender = await player(http, "con_offender_markup")
        made = await http.post(
            "/api/v1/report",
            json={
                "problematicIdentifier": offender,
                "problemType": "user",
                "explanation": "Wrote [/i] and [bold]shouting[/bold] in every chat.",
            },
            headers=bearer(reporter) | {"X-Forwarded-For": fresh_address()},
        )
        assert made.status_code == 201, made.text
    async with console(staff.url, staff.admin) as (app, pilot):
        await on_screen(pilot, app, "2", "Review queue")
        await select(pilot, app, "[/b] and")
        await pilot.press("enter")
        await until(lambda: "A [/x] statement [link=x]" in screen_text(app), pilot)
        assert title in screen_text(app)
        await pilot.press("3")
        await until(lambda: app.screen.title == "Reports", pilot)
        await select(pilot, app, "con_offender_markup")
        await until(lambda: "[bold]shouting[/bold]" in screen_text(app), pilot)
        assert app.is_running
