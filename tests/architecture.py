"""The architecture test's checker: reads a source tree with `ast` and reports
where it breaks the layering (docs/architecture.md, "Layers and the
architecture test").

Nothing is imported or run: the tree is parsed, so a copy with a planted
violation can be checked as well as the real one (tests/test_architecture.py).
Dependencies point one way, from the edges to the domains to the ground.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

PACKAGE = "meeting_server"

# Ground: what every domain may use. It imports no domain and no edge (the
# standard library and third-party packages are fine). The root package
# `meeting_server` itself is ground too: importing any module runs it.
GROUND = frozenset(
    {
        "config",  # settings from the environment
        "errors",  # the one error hierarchy
        "ids",  # id validation
        "text",  # input text rules
        "timeutil",  # clocks
        "db",  # engines and sessions
        "background",  # tasks started and forgotten
        "filenames",  # file names made from titles (documents, annotations and the archive all use them)
        "inputs",  # the strict base of every input model
        "observability",  # metrics and JSON logs: the outbox, the PDF pools and the page cache record there
        "eventlog",  # package: the event log, typed server events and rooms, the after-commit outbox
        "i18n",  # package: the server's messages in the reader's language (errors and refusals carry them)
        "migrations",  # package: the schema, revision by revision (plain Alembic, no table module imported)
    }
)

# Domains: what a meeting is made of. Each is a package whose modules may use
# the ground and the other domains' modules, but no edge. Its `routes.py` (HTTP)
# and `sockets.py` (socket handlers) are transports, so they are edges.
DOMAINS = frozenset(
    {
        "auth",
        "bodies",
        "meetings",
        "documents",
        "annotations",
        "votes",
        "minutes",
        "archive",
        "search",
        "security",
        "settings",
    }
)
TRANSPORT_MODULES = frozenset({"routes", "sockets"})

# Edges: everything else. The app and its context and dependencies, the CLI
# (`cli`, `__main__`, `tls`), the socket transport with join and replay
# (`realtime`), the web pages (`web`), the connection guard and body limits
# (`http_guard`, `limits`), the metadata aggregator `models`, and every
# domain's `routes.py` and `sockets.py`. A module not named above is an edge:
# a new ground module has to be added to GROUND on purpose.

# The one module that sends on socket.io (see rule `emit`).
OUTBOX = f"{PACKAGE}.eventlog.outbox"
# Calls that send on socket.io. Any `.emit(` whatever its receiver: since
# `Tx.emit` became `Tx.notify_after_commit` nothing of ours is named emit, and
# matching receivers (`sio`, `self.sio`, `server`, `mgr`...) would only add
# names that slip through. python-socketio's other senders, `send` and `call`,
# are common words, so they count only on a receiver named `sio`.
EMIT_ANY_RECEIVER = "emit"
EMIT_ON_SIO = frozenset({"send", "call"})


class Layer(Enum):
    GROUND = "ground"
    DOMAIN = "domain"
    EDGE = "edge"


def layer_of(module: str) -> Layer:
    parts = module.split(".")
    if parts == [PACKAGE] or parts[1] in GROUND:
        return Layer.GROUND
    if parts[1] in DOMAINS and not (len(parts) > 2 and parts[2] in TRANSPORT_MODULES):
        return Layer.DOMAIN
    return Layer.EDGE


def is_route(module: str) -> bool:
    return module.rsplit(".", 1)[-1] == "routes"


def is_sockets(module: str) -> bool:
    return module.rsplit(".", 1)[-1] == "sockets"


@dataclass(frozen=True)
class Violation:
    path: str  # relative to the package's parent, "meeting_server/config.py"
    line: int
    rule: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.what}"


@dataclass(frozen=True)
class Module:
    name: str  # "meeting_server.meetings.service"
    path: str
    source: str
    is_package: bool  # an __init__.py

    @property
    def layer(self) -> Layer:
        return layer_of(self.name)

    @property
    def nodes(self) -> list[ast.AST]:
        """Every node that runs, walked once for all the rules."""
        return _parse(self.source)


@dataclass(frozen=True)
class Import:
    line: int
    target: str  # the module imported, resolved: "meeting_server.meetings.service"


class SourceTree:
    """Every module of one package directory, parsed."""

    def __init__(self, package_dir: Path):
        root = package_dir.parent
        self.modules: dict[str, Module] = {}
        for path in sorted(package_dir.rglob("*.py")):
            relative = path.relative_to(root)
            parts = list(relative.with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            name = ".".join(parts)
            source = path.read_text(encoding="utf-8")
            try:
                _parse(source)
            except SyntaxError as error:
                raise SyntaxError(f"{relative}: {error}") from error
            self.modules[name] = Module(name, relative.as_posix(), source, is_package)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.modules.values())

    def imports(self, module: Module) -> Iterator[Import]:
        """Every import of our package by `module`, at any depth (inside
        functions too), except under `if TYPE_CHECKING:`, which never runs."""
        for node in module.nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(node.lineno, alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = self._absolute(module, node)
                for alias in node.names:
                    # `from meeting_server.meetings import service` imports the
                    # module `service`; `from ... import turn_page` its package's name.
                    candidate = f"{base}.{alias.name}"
                    yield Import(node.lineno, candidate if candidate in self.modules else base)
            elif isinstance(node, ast.Call) and (name := _import_module_name(node)):
                yield Import(node.lineno, name)

    def _absolute(self, module: Module, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def own_imports(self, module: Module) -> Iterator[Import]:
        """The imports of our own package's modules, not of itself, each once a
        line (`from x import a, b` is one dependency)."""
        seen: set[Import] = set()
        for imported in self.imports(module):
            if imported.target.split(".")[0] == PACKAGE and imported.target != module.name and imported not in seen:
                seen.add(imported)
                yield imported


@functools.lru_cache(maxsize=1024)
def _parse(source: str) -> list[ast.AST]:
    """A module's nodes that run; by text, so that checking a copy with one
    module changed parses that module alone."""
    return list(walk(ast.parse(source)))


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk`, but not into the body of `if TYPE_CHECKING:` (its `else` is walked)."""
    todo = [node]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
        else:
            todo.extend(ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_module_name(call: ast.Call) -> str | None:
    """The module named in `importlib.import_module("meeting_server.x")`: an import all the same."""
    if _terminal_name(call.func) != "import_module" or not call.args:
        return None
    first = call.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _terminal_name(node: ast.expr) -> str | None:
    """`sio` for `sio`, `self.sio` and `ctx.sio`; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


# The rules. Each yields the violations of one rule over the whole tree.


def ground_imports(tree: SourceTree) -> Iterator[Violation]:
    """A ground module imports no domain and no edge."""
    for module in tree:
        if module.layer is not Layer.GROUND:
            continue
        for imported in tree.own_imports(module):
            layer = layer_of(imported.target)
            if layer is not Layer.GROUND:
                yield Violation(
                    module.path,
                    imported.line,
                    "ground",
                    f"ground module {module.name} imports {layer.value} {imported.target}",
                )


def domain_imports(tree: SourceTree) -> Iterator[Violation]:
    """A domain module imports no edge: no socket transport, app, context, route or socket handler."""
    for module in tree:
        if module.layer is not Layer.DOMAIN:
            continue
        for imported in tree.own_imports(module):
            if layer_of(imported.target) is Layer.EDGE:
                yield Violation(
                    module.path, imported.line, "domain", f"domain module {module.name} imports edge {imported.target}"
                )


def emits(tree: SourceTree) -> Iterator[Violation]:
    """Nothing but the outbox sends on socket.io; a service queues its events with `tx.notify_after_commit`."""
    for module in tree:
        if module.name == OUTBOX:
            continue
        for node in module.nodes:
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method = node.func.attr
            if method == EMIT_ANY_RECEIVER or (method in EMIT_ON_SIO and _terminal_name(node.func.value) == "sio"):
                yield Violation(
                    module.path,
                    node.lineno,
                    "emit",
                    f"{module.name} calls .{method}() on socket.io; only {OUTBOX} sends "
                    f"(services use tx.notify_after_commit)",
                )


def route_writes(tree: SourceTree) -> Iterator[Violation]:
    """A route opens no write transaction itself: writes go through `ctx.intents.run`.

    Caught: `<...>db.write(...)`, the write engine `<...>db.writer`, and a
    `Tx(...)` or `Session(...)` made by hand.
    """
    for module in tree:
        if not is_route(module.name):
            continue
        for node in module.nodes:
            what = None
            if isinstance(node, ast.Call) and _terminal_name(node.func) in ("Tx", "Session"):
                what = f"makes a {_terminal_name(node.func)}(...)"
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "write" and _terminal_name(node.func.value) == "db":
                    what = "opens db.write()"
            elif isinstance(node, ast.Attribute) and node.attr == "writer" and _terminal_name(node.value) == "db":
                what = "uses the write engine db.writer"
            if what and isinstance(node, ast.expr):
                yield Violation(
                    module.path,
                    node.lineno,
                    "route-write",
                    f"route {module.name} {what}; writes go through ctx.intents.run",
                )


def transport_imports(tree: SourceTree) -> Iterator[Violation]:
    """No route module imports another route module, and no sockets module another sockets module."""
    for module in tree:
        for kind, same_kind in (("route", is_route), ("sockets", is_sockets)):
            if not same_kind(module.name):
                continue
            for imported in tree.own_imports(module):
                if same_kind(imported.target):
                    yield Violation(
                        module.path,
                        imported.line,
                        "transport-import",
                        f"{kind} module {module.name} imports {kind} module {imported.target}",
                    )


RULES: dict[str, Callable[[SourceTree], Iterator[Violation]]] = {
    "ground": ground_imports,
    "domain": domain_imports,
    "emit": emits,
    "route-write": route_writes,
    "transport-import": transport_imports,
}


def check(package_dir: Path, *rules: str) -> list[Violation]:
    """The violations of the named rules (all by default) in the package at `package_dir`."""
    tree = SourceTree(package_dir)
    chosen = rules or tuple(RULES)
    return sorted(
        (violation for rule in chosen for violation in RULES[rule](tree)), key=lambda v: (v.path, v.line, v.rule)
    )


if __name__ == "__main__":  # `python -m tests.architecture`: the list, for whoever fixes it
    import sys

    found = check(Path(__file__).resolve().parent.parent / PACKAGE)
    print("\n".join(map(str, found)) or "clean")
    sys.exit(1 if found else 0)
