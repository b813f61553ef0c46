"""The architecture test: dependencies point one way (edges -> domains ->
ground), only the outbox sends on socket.io, routes write through the
intents, and no route imports a route (docs/architecture.md, "Layers and the
architecture test"; the checker is tests/architecture.py).

The first tests check the real tree. The rest prove that the checker fails
when a rule is broken: each plants one violation in a copy of the package and
asserts that exactly that violation is reported, and nothing else new.
"""

from __future__ import annotations

import ast
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.architecture import DOMAINS, GROUND, PACKAGE, Layer, SourceTree, Violation, check, layer_of

SOURCE = Path(__file__).resolve().parent.parent / PACKAGE
Plant = Callable[[Path, str, str], list[Violation]]


def assert_clean(rule: str) -> None:
    found = check(SOURCE, rule)
    assert not found, f"rule {rule!r} broken:\n" + "\n".join(map(str, found))


# The real tree.


def test_ground_imports_no_domain_and_no_edge():
    assert_clean("ground")


def test_domains_import_no_edge():
    assert_clean("domain")


def test_only_the_outbox_sends_on_socketio():
    assert_clean("emit")


def test_routes_open_no_write_transaction():
    assert_clean("route-write")


def test_no_route_imports_a_route_and_no_sockets_a_sockets():
    assert_clean("transport-import")


# API schemas: one vocabulary (docs/architecture.md, "A domain's files").
INPUT_BASES = frozenset({"StrictInput", "TrimmedInput"})
INPUT_SUFFIXES = ("In", "Create", "Update", "Spec", "Data")
RETIRED_SUFFIXES = ("Out", "View", "Broadcast")


def schema_names(source: Path) -> list[tuple[str, str, list[str]]]:
    """(module, class name, names of its bases) for every class in the package."""
    found = []
    for path in sorted(source.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases]
                found.append((str(path.relative_to(source)), node.name, bases))
    return found


def naming_problems(source: Path) -> list[str]:
    problems = []
    for module, name, bases in schema_names(source):
        if module == "inputs.py":  # the bases themselves
            continue
        if INPUT_BASES & set(bases) and not name.lstrip("_").endswith(INPUT_SUFFIXES):
            problems.append(f"{module}: input {name} ends in none of {', '.join(INPUT_SUFFIXES)}")
        if name.endswith(RETIRED_SUFFIXES):
            problems.append(f"{module}: {name}: answers are XPublic or XResult, not {', '.join(RETIRED_SUFFIXES)}")
    return problems


def test_api_schemas_follow_one_vocabulary():
    assert naming_problems(SOURCE) == []


def test_a_schema_off_the_vocabulary_is_reported(tmp_path: Path):
    shutil.copytree(SOURCE, tmp_path / PACKAGE)
    (tmp_path / PACKAGE / "votes" / "planted.py").write_text(
        "from meeting_server.inputs import StrictInput\n"
        "from pydantic import BaseModel\n\n\n"
        "class VoteRequest(StrictInput):\n    title: str\n\n\n"
        "class VoteOut(BaseModel):\n    id: int\n",
        encoding="utf-8",
    )
    assert naming_problems(tmp_path / PACKAGE) == [
        "votes/planted.py: input VoteRequest ends in none of In, Create, Update, Spec, Data",
        "votes/planted.py: VoteOut: answers are XPublic or XResult, not Out, View, Broadcast",
    ]


def test_every_layer_named_exists():
    # A renamed package would otherwise fall out of its layer silently and
    # leave a rule checking nothing.
    names = set(SourceTree(SOURCE).modules)
    missing = [name for name in sorted(GROUND | DOMAINS) if f"{PACKAGE}.{name}" not in names]
    assert not missing, f"named in tests/architecture.py but not in {PACKAGE}/: {missing}"


def test_layers():
    assert layer_of("meeting_server.eventlog.outbox") is Layer.GROUND
    assert layer_of("meeting_server") is Layer.GROUND
    assert layer_of("meeting_server.votes.events") is Layer.DOMAIN
    assert layer_of("meeting_server.votes") is Layer.DOMAIN
    assert layer_of("meeting_server.votes.routes") is Layer.EDGE
    assert layer_of("meeting_server.votes.sockets") is Layer.EDGE
    assert layer_of("meeting_server.realtime.server") is Layer.EDGE
    assert layer_of("meeting_server.models") is Layer.EDGE


# Proof that it fails: a violation planted in a copy is reported, and only it.


def _only_python(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if not (name.endswith(".py") or (Path(folder) / name).is_dir())]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[Violation]]:
    """One copy of the sources (Python files only) and what the checker
    reports on it, which may be more than nothing while the real tree is being fixed."""
    target = tmp_path_factory.mktemp("pristine") / PACKAGE
    shutil.copytree(SOURCE, target, ignore=_only_python)
    return target, set(check(target))


@pytest.fixture
def copy(pristine: tuple[Path, set[Violation]], tmp_path: Path) -> Path:
    target = tmp_path / PACKAGE
    shutil.copytree(pristine[0], target)
    return target


@pytest.fixture
def plant(pristine: tuple[Path, set[Violation]]) -> Plant:
    def plant(package: Path, relative: str, code: str) -> list[Violation]:
        """Append `code` to a module of the copy (a new module if absent) and
        return what the checker reports that it did not on the pristine copy;
        appending keeps the lines of whatever the copy already had."""
        path = package / relative
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        if existing and not existing.endswith("\n"):
            existing += "\n"
        path.write_text(existing + textwrap.dedent(code).lstrip("\n"), encoding="utf-8")
        return [violation for violation in check(package) if violation not in pristine[1]]

    return plant


def planted_at(package: Path, relative: str) -> int:
    """The line the next planted code will start on."""
    path = package / relative
    return len(path.read_text(encoding="utf-8").splitlines()) + 1 if path.exists() else 1


def assert_reports(new: list[Violation], relative: str, line: int, rule: str, mentions: str) -> None:
    assert len(new) == 1, "expected exactly one new violation, got:\n" + "\n".join(map(str, new))
    (violation,) = new
    assert (violation.path, violation.line, violation.rule) == (f"{PACKAGE}/{relative}", line, rule), str(violation)
    assert mentions in violation.what, str(violation)
    assert f"{PACKAGE}/{relative}:{line}: [{rule}]" in str(violation)


def test_a_ground_module_importing_a_domain_fails(copy: Path, plant: Plant):
    line = planted_at(copy, "config.py")
    new = plant(copy, "config.py", "import meeting_server.meetings.service\n")
    assert_reports(new, "config.py", line, "ground", "imports domain meeting_server.meetings.service")


def test_a_ground_module_importing_the_transport_inside_a_function_fails(copy: Path, plant: Plant):
    line = planted_at(copy, "eventlog/events.py") + 1
    new = plant(
        copy,
        "eventlog/events.py",
        """
        def planted():
            from meeting_server import realtime
        """,
    )
    assert_reports(new, "eventlog/events.py", line, "ground", "imports edge meeting_server.realtime")


def test_a_module_not_named_in_a_layer_is_an_edge(copy: Path, plant: Plant):
    plant(copy, "newthing.py", '"""Nobody put me in GROUND."""\n')
    line = planted_at(copy, "errors.py")
    new = plant(copy, "errors.py", "from meeting_server.newthing import something\n")
    assert_reports(new, "errors.py", line, "ground", "imports edge meeting_server.newthing")


def test_a_domain_importing_the_socket_transport_fails(copy: Path, plant: Plant):
    line = planted_at(copy, "votes/service.py")
    new = plant(copy, "votes/service.py", "from meeting_server.realtime import server\n")
    assert_reports(new, "votes/service.py", line, "domain", "imports edge meeting_server.realtime.server")


def test_a_domain_importing_its_own_sockets_relatively_fails(copy: Path, plant: Plant):
    line = planted_at(copy, "meetings/service.py")
    new = plant(copy, "meetings/service.py", "from . import sockets\n")
    assert_reports(new, "meetings/service.py", line, "domain", "imports edge meeting_server.meetings.sockets")


def test_a_domain_importing_the_app_context_fails(copy: Path, plant: Plant):
    line = planted_at(copy, "documents/ingest.py")
    new = plant(copy, "documents/ingest.py", "from ..context import AppContext\n")
    assert_reports(new, "documents/ingest.py", line, "domain", "imports edge meeting_server.context")


def test_an_import_only_for_the_type_checker_is_allowed(copy: Path, plant: Plant):
    new = plant(
        copy,
        "votes/service.py",
        """
        import typing
        if typing.TYPE_CHECKING:
            from meeting_server.context import AppContext
            from meeting_server.realtime import server
        """,
    )
    assert new == []


@pytest.mark.parametrize(
    "call",
    ['sio.emit("x", {})', 'ctx.sio.emit("x", {}, room="meeting:1")', 'manager.emit("x", {})', 'self.sio.send("x")'],
)
def test_sending_on_socketio_outside_the_outbox_fails(copy: Path, plant: Plant, call: str):
    line = planted_at(copy, "meetings/service.py") + 1
    new = plant(
        copy,
        "meetings/service.py",
        f"""
        async def planted(self, sio, ctx, manager):
            await {call}
        """,
    )
    assert_reports(new, "meetings/service.py", line, "emit", "only meeting_server.eventlog.outbox sends")


@pytest.mark.parametrize(
    ("code", "mentions"),
    [
        ("with ctx.db.write() as s:\n        pass", "opens db.write()"),
        ("tx = Tx(session)", "makes a Tx(...)"),
        ("session = sqlmodel.Session(engine)", "makes a Session(...)"),
        ("connection = ctx.db.writer.connect()", "uses the write engine db.writer"),
    ],
)
def test_a_route_opening_a_write_transaction_fails(copy: Path, plant: Plant, code: str, mentions: str):
    line = planted_at(copy, "votes/routes.py") + 1
    new = plant(copy, "votes/routes.py", f"def planted(ctx, session, engine):\n    {code}\n")
    assert_reports(new, "votes/routes.py", line, "route-write", mentions)


@pytest.mark.parametrize(
    ("relative", "code", "mentions"),
    [
        (
            "meetings/routes.py",
            "from meeting_server.votes.routes import router",
            "imports route module meeting_server.votes.routes",
        ),
        (
            "archive/routes.py",
            "from meeting_server.annotations import routes",
            "route module meeting_server.annotations.routes",
        ),
        ("minutes/routes.py", "from ..web import routes", "imports route module meeting_server.web.routes"),
        (
            "votes/sockets.py",
            "import meeting_server.annotations.sockets",
            "imports sockets module meeting_server.annotations.sockets",
        ),
    ],
)
def test_a_route_importing_a_route_fails(copy: Path, plant: Plant, relative: str, code: str, mentions: str):
    line = planted_at(copy, relative)
    new = plant(copy, relative, code + "\n")
    assert_reports(new, relative, line, "transport-import", mentions)
