"""Which lecture cells a graded run can skip: backward liveness over the names cells bind and use.

A graded run needs the tests, the student's own code, and whatever those read. A lecture cell
the student left unchanged (a training run, a plot, a widget) is skipped when nothing that runs
after it reads a name it binds or may change. Names are read from the code with ``ast``,
conservatively: a variable whose method is called or whose item or attribute is set counts as
changed there (``model.load_state_dict(...)``, ``scores[n] = ...``), and a cell that uses
``globals``, ``eval``, ``exec``, IPython magics or ``import *`` is always run. A function may
still change an argument in place (``train_lm(model, ...)``) unseen: where a test reads such
an object, the solution cell that changes it is marked ``{"grading": "run"}``. The student's
own cells (any cell that differs from the handed-out one) always run, so an answer never earns
points from a cell that did not run. The homework tests check the result: each notebook's
solution still earns full marks with its lecture cells skipped.
"""

from __future__ import annotations

import ast
import symtable
import threading
from dataclasses import dataclass

# Names through which code can reach any variable: a cell using one is always run.
DYNAMIC = frozenset({"globals", "locals", "vars", "eval", "exec", "get_ipython", "__import__"})


@dataclass(frozen=True)
class Names:
    """What one cell binds, may change in place, and reads; ``opaque``: cannot be analysed."""

    binds: frozenset[str]
    imports: frozenset[str]
    changes: frozenset[str]
    reads: frozenset[str]
    opaque: bool = False


COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp)
OPAQUE = Names(frozenset(), frozenset(), frozenset(), frozenset(), opaque=True)


# Methods of tensors, arrays, str and dict that return something new and leave x as it was.
READ_ONLY_METHODS = frozenset(
    "permute reshape view flatten unsqueeze squeeze transpose contiguous numpy tolist item "
    "float double long int bool half to cpu detach clone size dim numel sum mean std max min "
    "argmax argmin softmax log_softmax exp log abs round all any eq ne lt gt le ge isclose "
    "keys values items get copy count index split strip join format startswith endswith "
    "lower upper replace encode decode num_parameters".split()
)
# Scopes of their own. Comprehensions and lambdas are read where they stand; what function
# and class bodies read (when called, so anywhere later) comes from ``symtable``.
INLINE = (ast.Lambda, ast.GeneratorExp, *COMPREHENSIONS)
NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, *INLINE)
INLINE_TABLES = {"lambda", "genexpr", "listcomp", "setcomp", "dictcomp"}


def _root(node: ast.AST) -> str | None:
    """``x`` of ``x.a.b[i]``."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _scan(node: ast.AST | None, reads: set, changes: set, skip_nested: bool = True) -> None:
    """Add the names ``node`` reads, and the variables it may change in place."""
    stack = [node] if node is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            reads.add(node.id)
        elif isinstance(node, ast.AugAssign) and _root(node.target):
            reads.add(_root(node.target))  # x += 1 needs the x from before
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr not in READ_ONLY_METHODS:
                changes.add(_root(node.func))  # x.method(...) may change x
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                changes.add(_root(node))  # x.a = ..., x[i] = ...
        if skip_nested and isinstance(node, INLINE):
            # Runs here: what it reads, less its own variables (for x in ..., lambda x: ...).
            inner_reads, inner_changes = set(), set()
            _scan(node, inner_reads, inner_changes, skip_nested=False)
            own = {
                n.id
                for n in ast.walk(node)
                if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
            }
            if isinstance(node, ast.Lambda):
                own |= {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            reads |= inner_reads - own
            changes |= inner_changes - own
            continue
        if skip_nested and isinstance(node, NESTED):
            continue
        stack.extend(ast.iter_child_nodes(node))
    changes.discard(None)


def _flow(stmts: list[ast.stmt], bound: set, reads: set, changes: set) -> None:
    """Top-level reads in order: a name the cell has already bound (on every path) is not a
    read of an earlier cell's variable."""
    bound = set(bound)
    for stmt in stmts:
        here: set = set()
        before = set(bound)
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            _scan(stmt.iter, here, changes)
            _flow(stmt.body, bound | _top_level_binds(stmt.target), reads, changes)
            _flow(stmt.orelse, bound, reads, changes)
        elif isinstance(stmt, (ast.If, ast.While)):
            _scan(stmt.test, here, changes)
            _flow(stmt.body, bound, reads, changes)
            _flow(stmt.orelse, bound, reads, changes)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            inner = set(bound)
            for item in stmt.items:
                _scan(item.context_expr, here, changes)
                inner |= _top_level_binds(item.optional_vars) if item.optional_vars else set()
            _flow(stmt.body, inner, reads, changes)
        elif isinstance(stmt, ast.Try):
            _flow(stmt.body, bound, reads, changes)
            for handler in stmt.handlers:
                _scan(handler.type, here, changes)
                _flow(handler.body, bound | {handler.name} - {None}, reads, changes)
            _flow(stmt.orelse, bound, reads, changes)
            _flow(stmt.finalbody, bound, reads, changes)
        elif isinstance(stmt, NESTED):  # def/class: decorators, defaults and bases run now
            for part in ast.iter_child_nodes(stmt):
                if not isinstance(part, ast.stmt):
                    _scan(part, here, changes)
            bound.add(stmt.name)
        else:
            _scan(stmt, here, changes)
            bound |= _top_level_binds(stmt)
        reads |= here - before


def _nested_global_reads(table: symtable.SymbolTable, top: bool = True) -> set[str]:
    """Module-level names that functions and classes (and what they hold) refer to."""
    found = set()
    for child in table.get_children():
        if top and child.get_name() in INLINE_TABLES:
            continue  # read in order by _flow
        found |= {s.get_name() for s in child.get_symbols() if s.is_global() and s.is_referenced()}
        found |= _nested_global_reads(child, top=False)
    return found


# CPython before 3.11.8 can raise "SystemError: AST constructor recursion depth mismatch" when
# two threads build ASTs at once (python/cpython#106905); a class is graded by several threads.
_PARSE = threading.Lock()


def names(source: str) -> Names:
    """The names a cell's code binds at top level, may change, and reads from earlier cells."""
    if any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        return OPAQUE
    try:
        with _PARSE:
            tree = ast.parse(source)
            table = symtable.symtable(source, "<cell>", "exec")
    except SyntaxError:
        return OPAQUE
    everywhere: set = set()
    _scan(tree, everywhere, set(), skip_nested=False)
    imports = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any(a.name == "*" for a in node.names):
                return OPAQUE
            imports |= _top_level_binds(node)
    if everywhere & DYNAMIC:
        return OPAQUE
    reads, changes = set(), set()
    _flow(tree.body, set(), reads, changes)
    nested_reads = _nested_global_reads(table)
    nested_changes: set = set()
    for node in ast.walk(tree):
        if isinstance(node, NESTED) and not isinstance(node, INLINE):
            _scan(node, set(), nested_changes, skip_nested=False)
    reads |= nested_reads
    changes |= nested_changes & nested_reads  # a function changing a global in place
    binds = set()
    for stmt in tree.body:  # top-level bindings (function bodies bind their own locals)
        binds |= _top_level_binds(stmt)
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            binds.update(node.names)
    return Names(*map(frozenset, (binds, imports, changes, reads)))


def _top_level_binds(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    found = set()
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)  # defined inside an if/for at top level
            continue
        if isinstance(node, (ast.Lambda, ast.GeneratorExp, *COMPREHENSIONS)):
            continue  # their variables are their own
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(_top_level_binds(node))
        stack.extend(ast.iter_child_nodes(node))
    return found


def skippable(sources: list[str | None], optional: set[int]) -> set[int]:
    """Indices of ``optional`` cells (unchanged lecture code) that nothing run later reads.

    ``sources``: the code of every cell in run order (None for markdown); cells not in
    ``optional`` always run."""
    cells = {i: names(s) for i, s in enumerate(sources) if s and s.strip()}
    # Calling a module's function (torch.tensor(...)) does not change anything a test reads.
    modules = set().union(*(c.imports for c in cells.values()))
    live: set[str] = set()
    everything = False  # a later cell may read any name
    skip = set()
    for index in sorted(cells, reverse=True):
        cell = cells[index]
        changes = cell.changes - modules
        if index in optional and not cell.opaque and not everything:
            if not (cell.binds | changes) & live:
                skip.add(index)
                continue
        everything = everything or cell.opaque
        live = (live - cell.binds) | cell.reads | changes
    return skip
