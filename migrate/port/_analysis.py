"""What the code shows about each name: the pass before the rewrite (needs libcst).

Each function gets a :class:`Scope`: its parameters, the values assigned to each name, loop
variables with what they iterate, ``with ... as`` targets, and the bind in scope (the
Engine its code runs on). :func:`kind` classifies an expression from constructors, imports
and those bindings only; what it cannot tell is ``"unknown"``, and the rewrite lists it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

ENGINE = "engine"
CONNECTION = "connection"
STATEMENT = "statement"
TABLE = "table"
INDEX = "index"
ENUM = "enum"
SEQUENCE = "sequence"
COLUMN = "column"
CONSTRAINT = "constraint"
METADATA = "metadata"
INSPECTOR = "inspector"
STRING = "string"
TABLES = "tables"  # meta.tables: a mapping of tables
RESULT = "result"  # what execute() returned: rows
ROW = "row"  # one row of a result (1.x: row["col"]; 2.0: row._mapping["col"])
UNKNOWN = "unknown"
LIST = "list:"  # prefix: a sequence of the kind that follows

#: SQLAlchemy objects whose create()/drop() are SQLAlchemy's own and need the bind.
SQLALCHEMY_DDL_KINDS = frozenset({TABLE, INDEX, ENUM, SEQUENCE})
#: objects whose create()/drop() are the changeset's (never touched).
CHANGESET_KINDS = frozenset({COLUMN, CONSTRAINT})

_CONSTRUCTORS = {
    "Table": TABLE,
    "Index": INDEX,
    "Enum": ENUM,
    "ENUM": ENUM,
    "Sequence": SEQUENCE,
    "Column": COLUMN,
    "ForeignKeyConstraint": CONSTRAINT,
    "UniqueConstraint": CONSTRAINT,
    "PrimaryKeyConstraint": CONSTRAINT,
    "CheckConstraint": CONSTRAINT,
    "ForeignKey": CONSTRAINT,
    "MetaData": METADATA,
    "create_engine": ENGINE,
    "engine_from_config": ENGINE,
    "Session": CONNECTION,
    "sessionmaker": "sessionmaker",
    "inspect": INSPECTOR,
    "select": STATEMENT,
    "insert": STATEMENT,
    "update": STATEMENT,
    "delete": STATEMENT,
    "text": STATEMENT,
    "union": STATEMENT,
    "union_all": STATEMENT,
}
_STATEMENT_METHODS = frozenset(
    {
        "where",
        "values",
        "order_by",
        "group_by",
        "having",
        "limit",
        "offset",
        "select_from",
        "distinct",
        "returning",
        "correlate",
        "with_only_columns",
        "bindparams",
        "columns",
        "execution_options",
        "inline",
        "prefix_with",
        "filter",
        "join",
        "outerjoin",
        "union",
    }
)
_TABLE_STATEMENTS = frozenset({"select", "insert", "update", "delete"})
_PASS_THROUGH = frozenset({"list", "tuple", "reversed", "sorted", "set"})
_PARAM_NAMES = {
    "migrate_engine": ENGINE,
    "engine": ENGINE,
    "conn": CONNECTION,
    "connection": CONNECTION,
    "session": CONNECTION,
    "meta": METADATA,
    "metadata": METADATA,
}


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of names, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


def callee_name(call: cst.Call) -> str | None:
    """The last name of what is called: ``Table`` for ``sa.Table(...)`` and ``Table(...)``."""
    if isinstance(call.func, cst.Name):
        return call.func.value
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value
    return None


def code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def is_string(node: cst.BaseExpression) -> bool:
    """A string literal, a concatenation or a ``"..." % x`` / ``"...".format()`` of one."""
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
        return True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo | cst.Add):
        return is_string(node.left)
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
    ):
        return is_string(node.func.value)
    return False


@dataclass
class Scope:
    """One function (or the module): what its names are bound to."""

    node: cst.CSTNode
    parent: Scope | None
    params: list[str] = field(default_factory=list)
    values: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    loops: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    binds: list[tuple[cst.BaseExpression, cst.BaseExpression]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    bind: str | None = None

    def lookup(self, name: str) -> tuple[Scope, str] | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.loops:
                return scope, "loop"
            if name in scope.values:
                return scope, "value"
            if name in scope.params:
                return scope, "param"
            scope = scope.parent
        return None


class Collector(cst.CSTVisitor):
    """Builds the :class:`Scope` of the module and of every function."""

    def __init__(self) -> None:
        self.module_scope: Scope | None = None
        self.scopes: dict[int, Scope] = {}
        self.stack: list[Scope] = []
        self.functions: dict[str, cst.FunctionDef] = {}
        self.returns: dict[str, list[tuple[cst.BaseExpression, Scope]]] = {}
        self.calls: dict[str, list[cst.Call]] = {}
        self.call_scopes: dict[int, Scope] = {}
        self.imports: dict[str, str] = {}  # local name -> "module.name" or "module"
        self.star_imports: list[str] = []
        self.modules: set[str] = set()  # every ``import a.b.c``

    # scopes -------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.module_scope = Scope(node, None)
        self.scopes[id(node)] = self.module_scope
        self.stack.append(self.module_scope)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = Scope(node, self.stack[-1])
        for param in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params):
            scope.params.append(param.name.value)
        self.scopes[id(node)] = scope
        if len(self.stack) == 1:
            self.functions[node.name.value] = node
        self.stack.append(scope)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.stack.pop()

    def visit_Name(self, node: cst.Name) -> None:
        self.stack[-1].names.add(node.value)

    # bindings -----------------------------------------------------------------------
    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.stack[-1].values.setdefault(target.value, []).append(value)
        elif isinstance(target, cst.Attribute) and target.attr.value == "bind":
            self.stack[-1].binds.append((target.value, value))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self.stack[-1].loops.setdefault(node.target.value, []).append(node.iter)
        elif (
            # for i, table in enumerate(tables)
            isinstance(node.target, cst.Tuple)
            and len(node.target.elements) == 2
            and isinstance(node.target.elements[1].value, cst.Name)
            and isinstance(node.iter, cst.Call)
            and callee_name(node.iter) == "enumerate"
            and node.iter.args
        ):
            name = node.target.elements[1].value.value
            self.stack[-1].loops.setdefault(name, []).append(node.iter.args[0].value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self._bind(node.asname.name, node.item)

    def visit_Call(self, node: cst.Call) -> None:
        name = callee_name(node)
        if (
            name in ("append", "add")
            and isinstance(node.func, cst.Attribute)
            and isinstance(node.func.value, cst.Name)
            and len(node.args) == 1
        ):
            # things.append(x): things is (also) a list of x
            self.stack[-1].values.setdefault(node.func.value.value, []).append(
                cst.List([cst.Element(node.args[0].value)])
            )
        if isinstance(node.func, cst.Name) and name is not None:
            self.calls.setdefault(name, []).append(node)
            self.call_scopes[id(node)] = self.stack[-1]
        if name == "MetaData":
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "bind":
                    self.stack[-1].binds.append((node, arg.value))
            if node.args and node.args[0].keyword is None and not is_string(node.args[0].value):
                self.stack[-1].binds.append((node, node.args[0].value))

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and len(self.stack) == 2:
            func = self.stack[-1].node
            assert isinstance(func, cst.FunctionDef)
            self.returns.setdefault(func.name.value, []).append((node.value, self.stack[-1]))

    # imports ------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name) or ""
            self.modules.add(full)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.imports[alias.asname.name.value] = full
            else:
                head = full.split(".")[0]
                self.imports.setdefault(head, head)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = dotted(node.module) or ""
        if isinstance(node.names, cst.ImportStar):
            self.star_imports.append(module)
            return
        for alias in node.names:
            name = dotted(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.imports[local] = f"{module}.{name}"


class Analysis:
    """Classifies expressions in their scope (see the module docstring)."""

    def __init__(self, module: cst.Module) -> None:
        self.collector = Collector()
        module.visit(self.collector)
        self.module = module
        self._kinds: dict[tuple[int, int], str] = {}
        assert self.collector.module_scope is not None
        self.module_scope = self.collector.module_scope
        for scope in self.collector.scopes.values():
            scope.bind = self._find_bind(scope)

    def scope_of(self, node: cst.CSTNode) -> Scope | None:
        return self.collector.scopes.get(id(node))

    def sqlalchemy_aliases(self) -> set[str]:
        """Local names of the sqlalchemy package and its modules (``sa``, ``sql``...)."""
        return {
            local
            for local, full in self.collector.imports.items()
            if full == "sqlalchemy" or full.startswith("sqlalchemy.")
        }

    def library_aliases(self) -> set[str]:
        """Local names of sqlalchemy's and migrate's modules."""
        return self.sqlalchemy_aliases() | {
            local
            for local, full in self.collector.imports.items()
            if full == "migrate" or full.startswith("migrate.")
        }

    def imported_from_sqlalchemy(self, name: str) -> bool:
        """``name`` is bound by an import from sqlalchemy (explicitly or by a star import)."""
        full = self.collector.imports.get(name)
        if full is not None:
            return full.startswith("sqlalchemy.")
        return any(m == "sqlalchemy" or m.startswith("sqlalchemy.") for m in self.star_imports())

    def star_imports(self) -> list[str]:
        return self.collector.star_imports

    # the bind in scope --------------------------------------------------------------
    def _find_bind(self, scope: Scope) -> str | None:
        if scope.parent is None:
            return None
        for _target, value in scope.binds:
            if isinstance(value, cst.Name) and value.value in scope.params:
                return value.value
        for name in scope.params:
            if _PARAM_NAMES.get(name) == ENGINE:
                return name
        for name in scope.params:
            if _PARAM_NAMES.get(name) == METADATA:
                return f"{name}.bind"
        if scope.parent.parent is not None:
            return self._find_bind(scope.parent)
        return self._module_meta_bind()

    def _module_meta_bind(self) -> str | None:
        """``meta.bind`` for a module-level MetaData that some function binds."""
        module = self.module_scope
        bound = {
            code(target)
            for scope in self.collector.scopes.values()
            for target, _value in scope.binds
            if isinstance(target, cst.Name)
        }
        for name, values in module.values.items():
            if name in bound and any(self.kind(v, module) == METADATA for v in values):
                return f"{name}.bind"
        return None

    # kinds --------------------------------------------------------------------------
    def kind(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> str:
        """The kind of ``node`` in ``scope`` (memoized; a cycle or a deep chain is unknown)."""
        key = (id(node), id(scope))
        known = self._kinds.get(key)
        if known is not None:
            return known
        if depth > 12:
            return UNKNOWN
        self._kinds[key] = UNKNOWN  # while computing: a name defined through itself
        found = self._kind(node, scope, depth + 1)
        self._kinds[key] = found
        return found

    def _kind(self, node: cst.BaseExpression, scope: Scope, d: int) -> str:
        if is_string(node):
            return STRING
        if isinstance(node, cst.Name):
            return self._name_kind(node.value, scope, d)
        if isinstance(node, cst.Attribute):
            attr = node.attr.value
            if attr == "bind":
                return ENGINE
            if attr == "tables":
                return TABLES
            if attr == "sorted_tables":
                return LIST + TABLE
            if isinstance(node.value, cst.Attribute) and node.value.attr.value in ("c", "columns"):
                return COLUMN
            return UNKNOWN
        if isinstance(node, cst.Subscript):
            base = node.value
            if isinstance(base, cst.Attribute) and base.attr.value in ("c", "columns"):
                return COLUMN
            inner = self.kind(base, scope, d)
            if inner == TABLES:
                return TABLE
            if inner.startswith(LIST):
                return inner[len(LIST) :]
            return UNKNOWN
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            kinds = {self.kind(el.value, scope, d) for el in node.elements}
            return LIST + kinds.pop() if len(kinds) == 1 else UNKNOWN
        if isinstance(node, cst.Call):
            return self._call_kind(node, scope, d)
        return UNKNOWN

    def _call_kind(self, node: cst.Call, scope: Scope, d: int) -> str:
        name = callee_name(node)
        func = node.func
        if isinstance(func, cst.Call | cst.Name) and self.kind(func, scope, d) == "sessionmaker":
            return CONNECTION  # sessionmaker(bind=e)() or maker(): a Session
        if isinstance(func, cst.Attribute):
            receiver = self.kind(func.value, scope, d)
            if name in ("connect", "begin") and receiver in (ENGINE, CONNECTION):
                return CONNECTION
            if name == "execute" and receiver in (ENGINE, CONNECTION, STATEMENT):
                return RESULT
            if name in ("fetchall", "all") and receiver == RESULT:
                return LIST + ROW
            if name in ("fetchone", "first", "one", "one_or_none") and receiver == RESULT:
                return ROW
            if name == "execution_options" and receiver == CONNECTION:
                return CONNECTION
            if name == "from_engine":
                return INSPECTOR
            if name == "values" and receiver == TABLES:
                return LIST + TABLE
            if name in _TABLE_STATEMENTS and receiver not in (ENGINE, CONNECTION):
                return STATEMENT
            if name in _STATEMENT_METHODS and receiver == STATEMENT:
                return STATEMENT
            if name == "alias" and receiver == TABLE:
                return TABLE
            head = dotted(func.value)
            if head is None or head.split(".")[0] not in self.library_aliases():
                return UNKNOWN
        if name in _PASS_THROUGH and isinstance(func, cst.Name) and node.args:
            inner = self.kind(node.args[0].value, scope, d)
            if inner == RESULT:
                return LIST + ROW
            return inner if inner.startswith(LIST) or inner == TABLES else UNKNOWN
        if name is not None and name in _CONSTRUCTORS:
            return _CONSTRUCTORS[name]
        if isinstance(func, cst.Name) and name in self.collector.returns:
            kinds = {self.kind(value, where, d) for value, where in self.collector.returns[name]}
            kinds.discard(UNKNOWN)
            return kinds.pop() if len(kinds) == 1 else UNKNOWN
        return UNKNOWN

    def _unanimous(self, values: Sequence[cst.BaseExpression], scope: Scope, d: int) -> str:
        kinds = {self.kind(v, scope, d) for v in values}
        kinds.discard(UNKNOWN)
        return kinds.pop() if len(kinds) == 1 else UNKNOWN

    def _name_kind(self, name: str, scope: Scope, d: int) -> str:
        found = scope.lookup(name)
        if found is None:
            return UNKNOWN
        owner, how = found
        if how == "loop":
            kinds = {self.kind(it, owner, d) for it in owner.loops[name]}
            if len(kinds) == 1:
                inner = kinds.pop()
                if inner == RESULT:
                    return ROW
                if inner.startswith(LIST):
                    return inner[len(LIST) :]
            return UNKNOWN
        if how == "value":
            return self._unanimous(owner.values[name], owner, d)
        known = _PARAM_NAMES.get(name)
        if known is not None:
            return known
        return self._param_kind(owner, name, d)

    def _param_kind(self, owner: Scope, name: str, d: int) -> str:
        """A parameter's kind, from what every call of its function in this module passes."""
        func = owner.node
        if not isinstance(func, cst.FunctionDef):
            return UNKNOWN
        calls = self.collector.calls.get(func.name.value, [])
        if not calls:
            return UNKNOWN
        position = owner.params.index(name)
        passed: list[cst.BaseExpression] = []
        for call in calls:
            arg = _argument(call, position, name)
            if arg is None:
                return UNKNOWN
            passed.append(arg)
        caller_scopes = [self._scope_around(call) for call in calls]
        kinds = {self.kind(arg, sc, d) for arg, sc in zip(passed, caller_scopes)}
        return kinds.pop() if len(kinds) == 1 else UNKNOWN

    def _scope_around(self, call: cst.Call) -> Scope:
        return self.collector.call_scopes.get(id(call), self.module_scope)


def _argument(call: cst.Call, position: int, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[position].value if position < len(positional) else None
