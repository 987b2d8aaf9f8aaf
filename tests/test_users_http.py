"""Profiles, availability, activity and preferences over real HTTP."""

from __future__ import annotations

import re

import pytest

from codincod.accounts.models import User
from codincod.execution.models import ProgrammingLanguage
from codincod.puzzles.models import Puzzle
from codincod.submissions.models import Submission
from tests.support import client, register

pytestmark = pytest.mark.usefixtures("orm")


async def test_user_by_username_hides_private_fields(server) -> None:
    async with client(server.url) as http:
        await register(http, "public_user")
        await User.filter(username="public_user").update(
            profile_bio="I like puzzles", profile_socials=["https://example.com/me"]
        )
        response = await http.get("/api/v1/user/public_user")
        assert response.status_code == 200
        user = response.json()["user"]
        assert set(user) == {"_id", "username", "profile", "role", "createdAt", "updatedAt", "__v"}
        assert user["profile"] == {"bio": "I like puzzles", "socials": ["https://example.com/me"]}
        # UTC with "Z" and 0, 3 or 6 fractional digits: what the frontend's date schema takes.
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z", user["createdAt"])
        assert (await http.get("/api/v1/user/nobody_at_all")).status_code == 404
        invalid = await http.get("/api/v1/user/bad.name")
        assert invalid.status_code == 400 and invalid.json()["message"] == "username is invalid"


async def test_is_available(server) -> None:
    async with client(server.url) as http:
        await register(http, "taken_name")
        taken = await http.get("/api/v1/user/taken_name/isAvailable")
        free = await http.get("/api/v1/user/free_name/isAvailable")
        invalid = await http.get("/api/v1/user/x/isAvailable")
    assert taken.json() == {"isAvailable": False}
    assert free.json() == {"isAvailable": True}
    assert invalid.status_code == 400


async def test_activity_lists_approved_puzzles_and_submissions(server) -> None:
    async with client(server.url) as http:
        await register(http, "active_user")
    user = await User.get(username="active_user")
    language, _ = await ProgrammingLanguage.get_or_create(language="python", version="3.12.0")
    approved = await Puzzle.create(title="Approved one", author=user, visibility="approved")
    await Puzzle.create(title="Still a draft", author=user, visibility="draft")
    await Submission.create(
        puzzle=approved,
        user=user,
        programming_language=language,
        code="print(1)",
        code_length=8,
        result="success",
        success_rate=1.0,
        passed=1,
        total=1,
    )
    async with client(server.url) as http:
        response = await http.get("/api/v1/user/active_user/activity")
    assert response.status_code == 200
    activity = response.json()["activity"]
    assert [p["title"] for p in activity["puzzles"]] == ["Approved one"]
    (submission,) = activity["submissions"]
    assert "code" not in submission
    assert submission["programmingLanguage"]["language"] == "python"
    assert submission["result"] == {"result": "success", "successRate": 1.0}
    assert submission["createdAt"].endswith("Z")


async def test_preferences_lifecycle_and_partial_updates(server) -> None:
    async with client(server.url) as http:
        token = await register(http, "prefs_user")
        auth = {"Cookie": f"token={token}"}
        assert (await http.get("/api/v1/account/preferences", headers=auth)).status_code == 404
        created = await http.put(
            "/api/v1/account/preferences",
            headers=auth,
            json={"theme": "dark", "editor": {"keymap": "vim", "lineNumbers": True}},
        )
        assert created.status_code == 200, created.text
        assert created.json()["theme"] == "dark"
        changed = await http.put(
            "/api/v1/account/preferences", headers=auth, json={"preferredLanguage": "python"}
        )
        body = changed.json()
        assert body["theme"] == "dark" and body["preferredLanguage"] == "python"
        assert body["editor"] == {"keymap": "vim", "lineNumbers": True}
        patched = await http.patch(
            "/api/v1/account/preferences",
            headers=auth,
            json={"editor": {"syntaxHighlighting": False}, "_id": "ignored", "owner": "ignored"},
        )
        assert patched.json()["editor"] == {
            "keymap": "vim",
            "lineNumbers": True,
            "syntaxHighlighting": False,
        }
        assert patched.json()["owner"] == (await User.get(username="prefs_user")).id
        fetched = await http.get("/api/v1/account/preferences", headers=auth)
        assert fetched.json()["preferredLanguage"] == "python"
        bad = await http.put("/api/v1/account/preferences", headers=auth, json={"theme": "purple"})
        assert bad.status_code == 400
        assert (await http.delete("/api/v1/account/preferences", headers=auth)).status_code == 204
        assert (await http.delete("/api/v1/account/preferences", headers=auth)).status_code == 404
        assert (await http.get("/api/v1/account/preferences")).status_code == 401
