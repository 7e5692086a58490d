"""The rewrites of ``changeset port`` (needs libcst): one transformer over one module.

Expressions are rewritten where they stand (``select([a])``, ``autoload=True``,
``table.create()``, ``engine.has_table(...)``...); implicit execution is rewritten per block:
consecutive statements that execute on the same Engine (and the statements between them that
use their results) go into one ``with <engine>.begin() as conn:`` block, and their calls
become ``conn.execute(...)``. What cannot be decided from the code is left as it is and
listed (:class:`NotPorted`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, ImportItem
from libcst.metadata import MetadataWrapper, PositionProvider

from migrate.port._analysis import (
    CHANGESET_KINDS,
    CONNECTION,
    ENGINE,
    INDEX,
    METADATA,
    ROW,
    SQLALCHEMY_DDL_KINDS,
    STATEMENT,
    STRING,
    TABLE,
    UNKNOWN,
    Analysis,
    Scope,
    callee_name,
    code,
    dotted,
    is_string,
)


@dataclass(frozen=True)
class Rewrite:
    """One change the port made: its line in the original script and what it was."""

    line: int
    what: str


@dataclass(frozen=True)
class NotPorted:
    """A line the port left as it is, and why."""

    line: int
    why: str


@dataclass
class Ported:
    source: str
    rewrites: list[Rewrite]
    not_ported: list[NotPorted]


#: keyword arguments SQLAlchemy 2 removed that had no effect on Python 3: dropped.
_DROPPED_KEYWORDS = {
    "convert_unicode": None,  # String, Unicode, Text, Enum, create_engine
    "unicode_error": None,  # String
    "_warn_on_bytestring": None,  # String
}
_DROPPED_BY_CALLEE = {
    ("create_engine", "encoding"),
    ("PickleType", "mutable"),
}
_RENAMED_KEYWORDS = {
    ("Table", "useexisting"): "extend_existing",
    ("Index", "postgres_where"): "postgresql_where",
}
_DIALECTS = ("postgresql", "mysql", "sqlite", "mssql", "oracle")
_BIND_PARAM = re.compile(r"(?<![:\w\\]):[A-Za-z_]")
_EXEC_METHODS = ("execute", "scalar")


def _expr(text: str) -> cst.BaseExpression:
    return cst.parse_expression(text)


def _kw(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _positional(call: cst.Call) -> list[cst.Arg]:
    return [a for a in call.args if a.keyword is None and not a.star]


def _clean_args(args: Sequence[cst.Arg], like: Sequence[cst.Arg] = ()) -> list[cst.Arg]:
    """A comma after each argument but the last; the last keeps ``like``'s trailing comma."""
    out = list(args)
    trailing = like[-1].comma if like else cst.MaybeSentinel.DEFAULT
    for i, arg in enumerate(out):
        if i < len(out) - 1:
            if not isinstance(arg.comma, cst.Comma):
                out[i] = arg.with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
        else:
            out[i] = arg.with_changes(comma=trailing)
    return out


def _metadata_bind(call: cst.Call) -> cst.Arg | None:
    """The bind given to a legacy ``MetaData(bind=e)`` or ``MetaData(e)``."""
    bind = _kw(call, "bind")
    positional = _positional(call)
    if bind is None and positional and not is_string(positional[0].value):
        bind = positional[0]
    return bind


def _statements(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``node``, not entering nested functions, classes or lambdas."""
    yield node
    for child in node.children:
        if isinstance(child, cst.FunctionDef | cst.ClassDef | cst.Lambda):
            continue
        yield from _statements(child)


def _assigned_names(stmt: cst.CSTNode) -> set[str]:
    names: set[str] = set()
    for node in _statements(stmt):
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, cst.AnnAssign | cst.AugAssign):
            targets = [node.target]
        elif isinstance(node, cst.For):
            targets = [node.target]
        for target in targets:
            for sub in _statements(target):
                if isinstance(sub, cst.Name):
                    names.add(sub.value)
    return names


def _used_names(stmt: cst.CSTNode) -> set[str]:
    return {n.value for n in _statements(stmt) if isinstance(n, cst.Name)}


class Porter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, analysis: Analysis) -> None:
        super().__init__()
        self.a = analysis
        self.rewrites: list[Rewrite] = []
        self.not_ported: list[NotPorted] = []
        self.scopes: list[Scope] = [analysis.module_scope]
        # active transaction blocks: (engine code, connection name); one list per function
        self.groups: list[list[tuple[str, str]]] = [[]]
        self.members: dict[int, tuple[str, str]] = {}
        self.block_groups: dict[int, list[tuple[int, int, str, str]]] = {}
        self.close_after: dict[int, str] = {}  # statement -> connection to close after it
        self.imports: list[ImportItem] = []
        self.sa_aliases = analysis.sqlalchemy_aliases()
        self.metadata_is_migrate = self._metadata_origin() == "migrate"

    # bookkeeping --------------------------------------------------------------------
    def _line(self, node: cst.CSTNode) -> int:
        try:
            return self.get_metadata(PositionProvider, node).start.line
        except KeyError:  # a node the transformer built
            return 0

    def _did(self, node: cst.CSTNode, what: str) -> None:
        self.rewrites.append(Rewrite(self._line(node), what))

    def _note(self, node: cst.CSTNode, why: str) -> None:
        self.not_ported.append(NotPorted(self._line(node), " ".join(why.split())))

    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    def _kind(self, node: cst.BaseExpression) -> str:
        return self.a.kind(node, self.scope)

    def _bind(self) -> str | None:
        """The bind in scope: the open transaction's connection, else the function's bind."""
        if self.groups[-1]:
            return self.groups[-1][-1][1]
        return self.scope.bind

    def _from_sqlalchemy(self, func: cst.BaseExpression, name: str) -> bool:
        """``func`` is SQLAlchemy's ``name``: ``name`` imported from it, or ``sa.name``."""
        if isinstance(func, cst.Name):
            return func.value == name and self.a.imported_from_sqlalchemy(name)
        if isinstance(func, cst.Attribute) and func.attr.value == name:
            head = dotted(func.value)
            return head is not None and head.split(".")[0] in self.sa_aliases
        return False

    def _sa_name(self, name: str) -> str:
        """How this module spells SQLAlchemy's ``name``; adds the import when it must."""
        full = self.a.collector.imports.get(name)
        if full is not None and full.startswith("sqlalchemy") and full.endswith("." + name):
            return name
        bound_here = name in self.a.collector.imports or any(
            name in s.values or name in s.params for s in self.a.collector.scopes.values()
        )
        if not bound_here and self.a.imported_from_sqlalchemy(name):
            return name
        modules = sorted(k for k, v in self.a.collector.imports.items() if v == "sqlalchemy")
        if modules:
            return f"{modules[0]}.{name}"
        if not bound_here:
            self.imports.append(ImportItem("sqlalchemy", name))
            return name
        self.imports.append(ImportItem("sqlalchemy"))
        return f"sqlalchemy.{name}"

    def _metadata_origin(self) -> str:
        origin = ""
        for stmt in self.a.module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if not isinstance(small, cst.ImportFrom) or small.module is None:
                    continue
                module = dotted(small.module) or ""
                top = module.split(".")[0]
                if isinstance(small.names, cst.ImportStar):
                    if module in ("migrate", "migrate.changeset", "sqlalchemy"):
                        origin = top
                elif any(
                    isinstance(alias.name, cst.Name) and alias.name.value == "MetaData"
                    for alias in small.names
                ):
                    origin = top
        return origin

    # scopes -------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(self.a.scope_of(node) or self.scope)
        self.groups.append([])

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.scopes.pop()
        self.groups.pop()
        return updated_node

    def on_visit(self, node: cst.CSTNode) -> bool:
        member = self.members.get(id(node))
        if member is not None:
            self.groups[-1].append(member)
        return super().on_visit(node)

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        result = super().on_leave(original_node, updated_node)
        if id(original_node) in self.members:
            self.groups[-1].pop()
        return result

    # transactions for implicit execution --------------------------------------------
    def _needs(self, node: cst.CSTNode) -> str | None:
        """The Engine (as code) that ``node`` executes on implicitly, if any."""
        if isinstance(node, cst.FunctionDef | cst.ClassDef):
            return None
        for sub in _statements(node):
            if not (isinstance(sub, cst.Call) and isinstance(sub.func, cst.Attribute)):
                continue
            if sub.func.attr.value not in _EXEC_METHODS:
                continue
            kind = self._kind(sub.func.value)
            if kind == ENGINE:
                return code(sub.func.value)
            bound = _bound_element(sub)
            if bound is not None:
                return code(bound)
            if kind == STATEMENT:
                bind = self._statement_bind(sub.func.value)
                if bind is not None:
                    return bind
        return None

    def _statement_bind(self, statement: cst.BaseExpression) -> str | None:
        """The bind to execute ``statement`` on: the scope's, else its Table's MetaData's."""
        if self.scope.bind is not None:
            return self.scope.bind
        node = statement
        while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            if node.func.attr.value in ("select", "insert", "update", "delete"):
                table = node.func.value
                if isinstance(table, cst.Name) and self._kind(table) == TABLE:
                    return f"{table.value}.metadata.bind"
                return None
            node = node.func.value
        return None

    def _header_needs(self, stmt: cst.CSTNode) -> str | None:
        header: list[cst.CSTNode] = []
        if isinstance(stmt, cst.For):
            header = [stmt.iter]
        elif isinstance(stmt, cst.If | cst.While):
            header = [stmt.test]
        elif isinstance(stmt, cst.With):
            header = list(stmt.items)
        for part in header:
            found = self._needs(part)
            if found is not None:
                return found
        return None

    def _conn_name(self) -> str:
        taken = self.scope.names
        for name in ("conn", "connection", "db_conn"):
            if name not in taken:
                return name
        n = 2
        while f"conn{n}" in taken:
            n += 1
        return f"conn{n}"

    def _plan_close(self, body: Sequence[cst.CSTNode]) -> None:
        """``conn = engine.connect()`` never closed: close it after its last use here.

        1.x committed and closed such a connection's work by itself; left open in 2.0 it
        holds its transaction (SQLite: the database stays locked) until collected."""
        for i, stmt in enumerate(body):
            if not (
                isinstance(stmt, cst.SimpleStatementLine)
                and len(stmt.body) == 1
                and isinstance(stmt.body[0], cst.Assign)
                and len(stmt.body[0].targets) == 1
                and isinstance(stmt.body[0].targets[0].target, cst.Name)
            ):
                continue
            value = stmt.body[0].value
            if not (
                isinstance(value, cst.Call)
                and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "connect"
                and self._kind(value.func.value) == ENGINE
            ):
                continue
            name = stmt.body[0].targets[0].target.value
            if self._escapes(name):
                continue
            last = max(j for j in range(i, len(body)) if name in _used_names(body[j]))
            self.close_after[id(body[last])] = name

    def _escapes(self, name: str) -> bool:
        """``name`` is closed, used as a context manager, returned or handed on."""
        for node in _statements(self.scope.node):
            if (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and isinstance(node.func.value, cst.Name)
                and node.func.value.value == name
                and node.func.attr.value in ("close", "begin", "__exit__")
            ):
                return True
            if isinstance(node, cst.WithItem | cst.Return) and name in _used_names(node):
                return True
        return False

    def _plan(self, body: Sequence[cst.CSTNode], block: cst.CSTNode) -> None:
        if self.scope.parent is None:
            return
        self._plan_close(body)
        if self.groups[-1]:
            return
        needs = [
            self._header_needs(stmt)
            if isinstance(stmt, cst.BaseCompoundStatement)
            else self._needs(stmt)
            for stmt in body
        ]
        groups: list[tuple[int, int, str, str]] = []
        i = 0
        while i < len(body):
            engine = needs[i]
            if engine is None:
                i += 1
                continue
            assigned = _assigned_names(body[i])
            j = i + 1
            while j < len(body) and (
                (needs[j] is not None and _same_bind(str(needs[j]), engine))
                or (needs[j] is None and _used_names(body[j]) & assigned)
            ):
                assigned |= _assigned_names(body[j])
                j += 1
            conn = self._conn_name()
            groups.append((i, j, engine, conn))
            for k in range(i, j):
                self.members[id(body[k])] = (engine, conn)
            i = j
        if groups:
            self.block_groups[id(block)] = groups

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._plan(node.body, node)

    def _rebuild(
        self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement], key: int
    ) -> list[cst.BaseStatement]:
        starts = {g[0]: g for g in self.block_groups.get(key, [])}
        out: list[cst.BaseStatement] = []
        i = 0
        while i < len(updated):
            group = starts.get(i)
            if group is None:
                out.extend(self._split_metadata(original[i], updated[i]))
                self._close_after(original[i], out)
                i += 1
                continue
            _start, end, engine, conn = group
            members = list(updated[i:end])
            first = members[0]
            assert isinstance(first, cst.SimpleStatementLine | cst.BaseCompoundStatement)
            leading = first.leading_lines
            members[0] = first.with_changes(leading_lines=())
            out.append(
                cst.With(
                    items=[
                        cst.WithItem(
                            item=_expr(f"{engine}.begin()"),
                            asname=cst.AsName(name=cst.Name(conn)),
                        )
                    ],
                    body=cst.IndentedBlock(body=members),
                    leading_lines=leading,
                )
            )
            self._did(original[i], f"implicit execution -> with {engine}.begin() as {conn}:")
            for k in range(i, end):
                self._close_after(original[k], out)
            i = end
        return out

    def _close_after(self, original: cst.CSTNode, out: list[cst.BaseStatement]) -> None:
        name = self.close_after.get(id(original))
        if name is not None:
            out.append(cst.parse_statement(f"{name}.close()\n"))
            self._did(original, f"{name}.close() after its last use (1.x closed it by itself)")

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._rebuild(original_node.body, updated_node.body, id(original_node))
        return updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._rebuild(original_node.body, updated_node.body, id(original_node))
        return updated_node.with_changes(body=body)

    # MetaData(bind=e) -> MetaData(); meta.bind = e -------------------------------------
    def _split_metadata(
        self, original: cst.BaseStatement, updated: cst.BaseStatement
    ) -> list[cst.BaseStatement]:
        if not (
            isinstance(updated, cst.SimpleStatementLine)
            and len(updated.body) == 1
            and isinstance(updated.body[0], cst.Assign)
            and len(updated.body[0].targets) == 1
            and isinstance(updated.body[0].value, cst.Call)
        ):
            return [updated]
        assign = updated.body[0]
        call = assign.value
        assert isinstance(call, cst.Call)
        if callee_name(call) != "MetaData":
            return [updated]
        bind = _metadata_bind(call)
        reflect = _kw(call, "reflect")
        if bind is None and reflect is None:
            return [updated]
        if reflect is None and self.metadata_is_migrate and isinstance(call.func, cst.Name):
            return [updated]  # migrate.changeset.MetaData accepts bind=: closest to the original
        target = code(assign.targets[0].target)
        rest = [a for a in call.args if a is not bind and a is not reflect]
        first = updated.with_changes(
            body=[assign.with_changes(value=call.with_changes(args=_clean_args(rest, call.args)))]
        )
        lines: list[cst.BaseStatement] = [first]
        if bind is not None:
            lines.append(cst.parse_statement(f"{target}.bind = {code(bind.value)}\n"))
            self._did(original, "MetaData(bind=e) -> MetaData(); meta.bind = e")
        if reflect is not None:
            source = code(bind.value) if bind is not None else self._bind()
            if source is None:
                self._note(original, "MetaData(reflect=True): no bind in scope to reflect with")
                return [updated]
            lines.append(cst.parse_statement(f"{target}.reflect({source})\n"))
            self._did(original, "MetaData(reflect=True) -> meta.reflect(bind)")
        return lines

    # expressions ----------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        call: cst.BaseExpression = updated_node
        for step in (
            self._port_connect,
            self._port_keywords,
            self._port_select,
            self._port_case,
            self._port_table,
            self._port_statement_args,
            self._port_binary,
            self._port_metadata_bind,
            self._port_ddl,
            self._port_inspection,
            self._port_execute,
        ):
            if not isinstance(call, cst.Call):
                break
            call = step(original_node, call)
        return call

    def _port_connect(self, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
        """``conn = engine.connect()``: SQLAlchemy 1.x committed each DML statement on it."""
        if not (
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "connect"
            and not call.args
            and self._kind(_attribute_value(original)) == ENGINE
        ):
            return call
        target = self._assigned_to(original)
        if target is None or self._begins(target):
            return call  # a with block, or a script that opens its own transactions
        self._did(original, "engine.connect() -> autocommit connection (no implicit commit in 2.0)")
        return _expr(f'{code(call)}.execution_options(isolation_level="AUTOCOMMIT")')

    def _assigned_to(self, call: cst.Call) -> str | None:
        for node in _statements(self.scope.node):
            if isinstance(node, cst.Assign) and node.value is call and len(node.targets) == 1:
                target = node.targets[0].target
                return target.value if isinstance(target, cst.Name) else None
        return None

    def _begins(self, name: str) -> bool:
        return any(
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "begin"
            and isinstance(node.func.value, cst.Name)
            and node.func.value.value == name
            for node in _statements(self.scope.node)
        )

    def _port_keywords(self, original: cst.Call, call: cst.Call) -> cst.Call:
        name = callee_name(call) or ""
        args: list[cst.Arg] = []
        changed = False
        for arg in call.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword is not None and (
                keyword in _DROPPED_KEYWORDS or (name, keyword) in _DROPPED_BY_CALLEE
            ):
                self._did(original, f"removed argument {name}({keyword}=)")
                changed = True
                continue
            new = _RENAMED_KEYWORDS.get((name, keyword or ""))
            if new is not None:
                arg = arg.with_changes(keyword=cst.Name(new))
                self._did(original, f"{name}({keyword}=) -> {new}=")
                changed = True
            args.append(arg)
        if name == "create_engine" and _kw(call, "strategy") is not None:
            self._note(original, "create_engine(strategy=) was removed: use create_mock_engine")
        if name == "text" and (_kw(call, "bindparams") or _kw(call, "typemap")):
            self._note(original, "text(bindparams=, typemap=) was removed: use .bindparams()")
        return call.with_changes(args=_clean_args(args, call.args)) if changed else call

    def _port_select(self, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
        if not self._from_sqlalchemy(call.func, "select"):
            return call
        positional = _positional(call)
        legacy = {
            "whereclause",
            "from_obj",
            "order_by",
            "group_by",
            "having",
            "distinct",
            "use_labels",
        }
        legacy_kw = [a for a in call.args if a.keyword is not None and a.keyword.value in legacy]
        if not positional:
            return call
        first = positional[0].value
        where = positional[1].value if len(positional) > 1 else None
        if isinstance(first, cst.List | cst.Tuple):
            columns = [cst.Arg(value=el.value) for el in first.elements]
        elif len(positional) == 1 and self._kind(_original_arg(original, 0)).startswith("list:"):
            columns = [cst.Arg(value=first, star="*")]
        elif legacy_kw:
            columns, where = list(positional), None
        else:
            return call
        extra = [a for a in call.args if a.keyword is not None and a not in legacy_kw]
        if extra:
            names = ", ".join(a.keyword.value for a in extra if a.keyword is not None)
            self._note(original, f"select(): keyword arguments {names} have no SQLAlchemy 2 form")
            return call
        chain: list[tuple[str, cst.BaseExpression]] = []
        if where is not None:
            chain.append(("where", where))
        for arg in legacy_kw:
            assert arg.keyword is not None
            method = {"whereclause": "where", "from_obj": "select_from"}.get(
                arg.keyword.value, arg.keyword.value
            )
            chain.append((method, arg.value))
        result: cst.BaseExpression = call.with_changes(args=_clean_args(columns))
        for method, value in chain:
            if method == "distinct":
                if code(value) == "True":
                    result = cst.Call(func=cst.Attribute(value=result, attr=cst.Name("distinct")))
                continue
            if method == "use_labels":
                if code(value) == "True":
                    style = self._sa_name("LABEL_STYLE_TABLENAME_PLUS_COL")
                    result = _expr(f"{code(result)}.set_label_style({style})")
                continue
            args = [cst.Arg(value=value)]
            if method in ("select_from", "order_by", "group_by"):
                if isinstance(value, cst.List | cst.Tuple):
                    args = [cst.Arg(value=el.value) for el in value.elements]
                elif isinstance(value, cst.Name) and self._kind(value).startswith("list:"):
                    args = [cst.Arg(value=value, star="*")]
            result = cst.Call(
                func=cst.Attribute(value=result, attr=cst.Name(method)), args=_clean_args(args)
            )
        self._did(original, "select([...]) -> select(...)")
        return result

    def _port_case(self, original: cst.Call, call: cst.Call) -> cst.Call:
        if not self._from_sqlalchemy(call.func, "case"):
            return call
        positional = _positional(call)
        if not positional or not isinstance(positional[0].value, cst.List):
            return call
        whens = [cst.Arg(value=el.value) for el in positional[0].value.elements]
        rest = [a for a in call.args if a is not positional[0]]
        self._did(original, "case([...]) -> case(...)")
        return call.with_changes(args=_clean_args([*whens, *rest]))

    def _port_table(self, original: cst.Call, call: cst.Call) -> cst.Call:
        if callee_name(call) != "Table":
            return call
        autoload = _kw(call, "autoload")
        if autoload is None:
            return call
        args = [a for a in call.args if a is not autoload]
        if code(autoload.value) == "False" or _kw(call, "autoload_with") is not None:
            self._did(original, "Table(autoload=) removed")
            return call.with_changes(args=_clean_args(args, call.args))
        bind = self._bind()
        if bind is None and self.scope.parent is not None:
            positional = _positional(original)
            if len(positional) > 1 and self._kind(positional[1].value) == METADATA:
                bind = f"{code(positional[1].value)}.bind"
        if bind is None:
            self._note(original, "Table(autoload=True): no bind in scope for autoload_with=")
            return call
        index = call.args.index(autoload)
        args.insert(
            index,
            cst.Arg(keyword=cst.Name("autoload_with"), value=_expr(bind), equal=autoload.equal),
        )
        self._did(original, f"Table(autoload=True) -> autoload_with={bind}")
        return call.with_changes(args=_clean_args(args, call.args))

    def _port_statement_args(self, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
        """``t.insert(values=v)``, ``t.update(where, values)``, ``insert(t, values)``..."""
        name = callee_name(call)
        if name not in ("select", "insert", "update", "delete") or not call.args:
            return call
        legacy = {"whereclause", "values", "inline"}
        if isinstance(call.func, cst.Attribute):
            if self._from_sqlalchemy(call.func, name):
                return self._statement_function(original, call, name)
            receiver = self._kind(_attribute_value(original))
            has_legacy = any(a.keyword is not None and a.keyword.value in legacy for a in call.args)
            # dict.update() takes one positional argument: update(where, values) is a table's
            has_legacy = has_legacy or (name == "update" and len(_positional(call)) > 1)
            if receiver in (ENGINE, CONNECTION) or (receiver != TABLE and not has_legacy):
                return call
            order = {
                "select": ["whereclause"],
                "insert": ["values", "inline"],
                "update": ["whereclause", "values", "inline"],
                "delete": ["whereclause"],
            }[name]
            base = call.with_changes(args=[])
            return self._chain(original, base, call.args, order, name)
        if isinstance(call.func, cst.Name) and self._from_sqlalchemy(call.func, name):
            return self._statement_function(original, call, name)
        return call

    def _statement_function(
        self, original: cst.Call, call: cst.Call, name: str
    ) -> cst.BaseExpression:
        if name == "select":
            return call
        positional = _positional(call)
        if not positional:
            return call
        order = {
            "insert": ["table", "values", "inline"],
            "update": ["table", "whereclause", "values", "inline"],
            "delete": ["table", "whereclause"],
        }[name]
        if len(positional) == 1 and all(a.keyword is None for a in call.args):
            return call
        base = call.with_changes(args=_clean_args([positional[0]]))
        rest = [a for a in call.args if a is not positional[0]]
        return self._chain(original, base, rest, order[1:], name)

    def _chain(
        self,
        original: cst.Call,
        base: cst.Call,
        args: Sequence[cst.Arg],
        order: list[str],
        name: str,
    ) -> cst.BaseExpression:
        by_name: dict[str, cst.BaseExpression] = {}
        position = 0
        for arg in args:
            if arg.keyword is None:
                if arg.star or position >= len(order):
                    self._note(original, f"{name}(): arguments the port cannot map")
                    return original
                by_name[order[position]] = arg.value
                position += 1
            elif arg.keyword.value in order:
                by_name[arg.keyword.value] = arg.value
            else:
                self._note(original, f"{name}(): keyword {arg.keyword.value}= has no 2.0 form")
                return original
        result: cst.BaseExpression = base
        for key in order:
            value = by_name.get(key)
            if value is None or (key == "inline" and code(value) == "False"):
                continue
            if key == "inline":
                result = cst.Call(func=cst.Attribute(value=result, attr=cst.Name("inline")))
                continue
            method = "where" if key == "whereclause" else key
            result = cst.Call(
                func=cst.Attribute(value=result, attr=cst.Name(method)), args=[cst.Arg(value=value)]
            )
        self._did(original, f"{name}(legacy arguments) -> .where()/.values()")
        return result

    def _port_binary(self, original: cst.Call, call: cst.Call) -> cst.Call:
        if self._from_sqlalchemy(call.func, "Binary") and "Binary" not in self.a.collector.imports:
            self._did(original, "Binary -> LargeBinary")
            if isinstance(call.func, cst.Name):
                return call.with_changes(func=cst.Name("LargeBinary"))
            assert isinstance(call.func, cst.Attribute)
            return call.with_changes(func=call.func.with_changes(attr=cst.Name("LargeBinary")))
        return call

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        value = updated_node.value
        if (
            self._from_sqlalchemy(value, "Binary")
            and "Binary" not in self.a.collector.imports
            and isinstance(value, cst.Name | cst.Attribute)
        ):
            self._did(original_node, "Binary -> LargeBinary")
            if isinstance(value, cst.Name):
                return updated_node.with_changes(value=cst.Name("LargeBinary"))
            return updated_node.with_changes(value=value.with_changes(attr=cst.Name("LargeBinary")))
        return updated_node

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        module = dotted(updated_node.module) if updated_node.module is not None else None
        if module is None:
            return updated_node
        node = updated_node
        if module == "sqlalchemy.databases" or module.startswith("sqlalchemy.databases."):
            new = "sqlalchemy.dialects" + module[len("sqlalchemy.databases") :]
            node = node.with_changes(
                module=_expr(
                    new.replace("dialects.postgres", "dialects.postgresql")
                    if new.endswith(".postgres")
                    else new
                )
            )
            self._did(original_node, f"{module} -> sqlalchemy.dialects")
            if not isinstance(node.names, cst.ImportStar):
                names = []
                for alias in node.names:
                    if isinstance(alias.name, cst.Name) and alias.name.value == "postgres":
                        alias = alias.with_changes(
                            name=cst.Name("postgresql"),
                            asname=alias.asname or cst.AsName(name=cst.Name("postgres")),
                        )
                    names.append(alias)
                node = node.with_changes(names=names)
        if module in ("sqlalchemy", "sqlalchemy.types") and not isinstance(
            node.names, cst.ImportStar
        ):
            names = []
            for alias in node.names:
                if isinstance(alias.name, cst.Name) and alias.name.value == "Binary":
                    alias = alias.with_changes(
                        name=cst.Name("LargeBinary"),
                        asname=alias.asname or cst.AsName(name=cst.Name("Binary")),
                    )
                    self._did(original_node, "Binary -> LargeBinary as Binary")
                names.append(alias)
            node = node.with_changes(names=names)
        return node

    def _port_metadata_bind(self, original: cst.Call, call: cst.Call) -> cst.Call:
        """``MetaData(bind=e)`` outside a plain assignment (the assignment is split)."""
        if callee_name(call) != "MetaData" or _metadata_bind(call) is None:
            return call
        if self.metadata_is_migrate and isinstance(call.func, cst.Name):
            return call
        if not self._in_simple_assignment(original):
            self._note(
                original, "MetaData(bind=...) inside an expression: use migrate.changeset.MetaData"
            )
        return call

    def _in_simple_assignment(self, call: cst.Call) -> bool:
        return any(
            isinstance(node, cst.Assign) and node.value is call and len(node.targets) == 1
            for node in _statements(self.scope.node)
        )

    def _port_ddl(self, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
        if not isinstance(call.func, cst.Attribute):
            return call
        method = call.func.attr.value
        if method not in ("create", "drop", "create_all", "drop_all", "reflect", "exists"):
            return call
        if _positional(call) or _kw(call, "bind") is not None:
            return call
        receiver = _attribute_value(original)
        kind = self._kind(receiver)
        if method in ("create_all", "drop_all", "reflect"):
            if kind != METADATA and (method == "reflect" or kind != UNKNOWN):
                return call
        elif method == "exists":
            if kind != TABLE:
                return call
        elif kind in CHANGESET_KINDS:
            return call
        elif kind not in SQLALCHEMY_DDL_KINDS:
            self._note(
                original,
                f"{code(receiver)}.{method}(): cannot tell a SQLAlchemy Table/Index/Enum/Sequence "
                "(needs the bind) from a changeset column or constraint (left bare)",
            )
            return call
        bind = self._bind()
        if bind is None and kind == TABLE and isinstance(receiver, cst.Name):
            bind = f"{receiver.value}.metadata.bind"  # a table passed in: its MetaData's bind
        if bind is None and kind == INDEX:
            table = _index_table(receiver)
            if table is not None:  # SQLAlchemy 1.x: an Index's bind was its table's
                bind = f"{table}.metadata.bind"
        if bind is None:
            self._note(original, f"{code(receiver)}.{method}(): no bind in scope")
            return call
        if method == "exists":
            inspect = self._sa_name("inspect")
            self._did(original, "Table.exists() -> inspect(bind).has_table(name)")
            return _expr(f"{inspect}({bind}).has_table({code(call.func.value)}.name)")
        self._did(original, f"{method}() -> {method}({bind})")
        return call.with_changes(args=_clean_args([cst.Arg(value=_expr(bind)), *call.args]))

    def _port_inspection(self, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
        if not isinstance(call.func, cst.Attribute):
            return call
        method = call.func.attr.value
        receiver = call.func.value
        if method == "from_engine" and (dotted(receiver) or "").endswith("Inspector"):
            self._did(original, "Inspector.from_engine(e) -> inspect(e)")
            return call.with_changes(func=_expr(self._sa_name("inspect")))
        if method not in ("has_table", "table_names"):
            return call
        if (
            method == "has_table"
            and isinstance(receiver, cst.Attribute)
            and receiver.attr.value == "dialect"
            and call.args
        ):
            target = call.args[0].value
            self._did(original, "dialect.has_table(bind, name) -> inspect(bind).has_table(name)")
            return cst.Call(
                func=cst.Attribute(
                    value=_expr(f"{self._sa_name('inspect')}({code(target)})"),
                    attr=cst.Name("has_table"),
                ),
                args=_clean_args(call.args[1:]),
            )
        if self._kind(_attribute_value(original)) != ENGINE:
            return call
        new = "has_table" if method == "has_table" else "get_table_names"
        self._did(original, f"Engine.{method}() -> inspect(engine).{new}()")
        return cst.Call(
            func=cst.Attribute(
                value=_expr(f"{self._sa_name('inspect')}({code(receiver)})"), attr=cst.Name(new)
            ),
            args=call.args,
        )

    # execution ----------------------------------------------------------------------
    def _port_execute(self, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
        if not isinstance(call.func, cst.Attribute) or call.func.attr.value not in _EXEC_METHODS:
            return call
        method = call.func.attr.value
        orig_receiver = _attribute_value(original)
        kind = self._kind(orig_receiver)
        receiver = call.func.value
        if kind == CONNECTION:
            if method != "execute" or not call.args:
                return call
            return self._execute_on(original, call, receiver, call.args, None)
        if kind == ENGINE:
            conn = self._transaction(code(orig_receiver))
            if conn is None:
                self._note(
                    original,
                    f"{code(orig_receiver)}.{method}(): implicit execution "
                    "outside a block the port can wrap in a transaction",
                )
                return call
            return self._execute_on(original, call, cst.Name(conn), call.args, method)
        if kind == STATEMENT:
            conn = self._transaction(self._statement_bind(orig_receiver))
            if conn is None:
                self._note(original, f"statement.{method}(): no bind in scope to execute it on")
                return call
            args = [cst.Arg(value=receiver), *call.args]
            return self._execute_on(original, call, cst.Name(conn), args, method, orig_receiver)
        bound = _bound_element(original)
        if bound is not None and isinstance(receiver, cst.Call):
            conn = self._transaction(code(bound))
            if conn is not None:
                element = receiver.with_changes(
                    args=_clean_args([a for a in receiver.args if not _is_kw(a, "bind")])
                )
                self._did(original, "Element(bind=e).execute() -> conn.execute(Element())")
                return cst.Call(
                    func=cst.Attribute(value=cst.Name(conn), attr=cst.Name("execute")),
                    args=[cst.Arg(value=element)],
                )
        if method == "execute":
            self._note(
                original,
                f"{code(orig_receiver)}.execute(): cannot tell an Engine or statement "
                "(implicit execution) from a Connection or Session",
            )
        return call

    def _transaction(self, engine: str | None) -> str | None:
        if engine is None:
            return None
        for group_engine, conn in reversed(self.groups[-1]):
            if _same_bind(group_engine, engine):
                return conn
        return None

    def _execute_on(
        self,
        original: cst.Call,
        call: cst.Call,
        target: cst.BaseExpression,
        args: Sequence[cst.Arg],
        method: str | None,
        orig_statement: cst.BaseExpression | None = None,
    ) -> cst.BaseExpression:
        """``target.execute(statement, params)`` in SQLAlchemy 2's form."""
        statement, params = args[0], list(args[1:])
        if orig_statement is None:
            orig_statement = original.args[0].value
        kw = [a for a in params if a.keyword is not None and not a.star]
        double_star = [a for a in params if a.star == "**"]
        positional = [a for a in params if a.keyword is None and not a.star]
        changed = method is not None
        new_params: list[cst.Arg] = []
        if kw and not double_star and not positional:
            new_params = [cst.Arg(value=_dict(kw))]
            changed = True
        elif double_star and not kw and not positional:
            new_params = [cst.Arg(value=double_star[0].value)]
            changed = True
        elif len(positional) > 1 and not kw and not double_star:
            elements = [
                cst.Element(
                    a.value, comma=a.comma if k < len(positional) - 1 else cst.MaybeSentinel.DEFAULT
                )
                for k, a in enumerate(positional)
            ]
            new_params = [cst.Arg(value=cst.List(elements))]
            changed = True
        elif params and (kw or double_star):
            self._note(original, "execute(): parameters mixing the legacy forms")
            return call
        else:
            new_params = positional
        verb = method or "execute"
        kind = self.a.kind(orig_statement, self.scope)
        if kind == STRING and verb == "execute":
            literal = "".join(_string_parts(orig_statement))
            if new_params or _BIND_PARAM.search(literal):
                verb = "exec_driver_sql"
                if len(positional) == 1 and not isinstance(
                    positional[0].value, cst.Tuple | cst.List | cst.Dict
                ):
                    new_params = [cst.Arg(value=cst.Tuple([cst.Element(positional[0].value)]))]
                self._did(original, "raw SQL string -> exec_driver_sql()")
            else:
                statement = cst.Arg(
                    value=cst.Call(
                        func=_expr(self._sa_name("text")), args=[cst.Arg(statement.value)]
                    )
                )
                self._did(original, "raw SQL string -> text()")
            changed = True
        elif kind == UNKNOWN and isinstance(orig_statement, cst.Name):
            self._note(
                original,
                f"execute({code(orig_statement)}): if it is a raw SQL string, wrap it in text()",
            )
        if not changed:
            return call
        if method is not None:
            self._did(original, f"implicit {method}() -> conn.{verb}()")
        elif kw or double_star or len(positional) > 1:
            self._did(original, "Connection.execute(stmt, **params) -> execute(stmt, {params})")
        statement = statement.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
        func = cst.Attribute(value=target, attr=cst.Name(verb))
        if original.args and orig_statement is original.args[0].value:
            # engine.execute(stmt, ...) or conn.execute(...): keep the call's own layout
            return call.with_changes(
                func=func, args=_clean_args([statement, *new_params], call.args)
            )
        return cst.Call(func=func, args=_clean_args([statement, *new_params]))

    # dialects imported for their side effect -----------------------------------------
    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        """``row["col"]`` of a result row: ``row._mapping["col"]`` (SQLAlchemy 2 rows are
        tuples; a string key needs the row's mapping)."""
        elements = original_node.slice
        if not (
            len(elements) == 1
            and isinstance(elements[0].slice, cst.Index)
            and is_string(elements[0].slice.value)
            and self._kind(original_node.value) == ROW
        ):
            return updated_node
        self._did(original_node, 'row["col"] -> row._mapping["col"]')
        return updated_node.with_changes(
            value=cst.Attribute(value=updated_node.value, attr=cst.Name("_mapping"))
        )

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        head = dotted(original_node.value)
        if head is None or original_node.attr.value not in _DIALECTS:
            return updated_node
        parts = head.split(".")
        is_dialects = (parts == ["dialects"] and self.a.imported_from_sqlalchemy("dialects")) or (
            len(parts) == 2 and parts[1] == "dialects" and parts[0] in self.sa_aliases
        )
        if not is_dialects:
            return updated_node
        full = f"sqlalchemy.dialects.{original_node.attr.value}"
        provided = (
            any(v == full or v.startswith(full + ".") for v in self.a.collector.imports.values())
            or any(m == full or m.startswith(full + ".") for m in self.a.collector.modules)
            or any(item.module == full for item in self.imports)
        )
        if not provided:
            self.imports.append(ImportItem(full))
            self._did(original_node, f"import {full} (sqlalchemy does not import its dialects)")
        return updated_node


def _index_table(index: cst.BaseExpression) -> str | None:
    """``t`` of ``Index(name, t.c.col, ...)`` written in place (the table it indexes)."""
    if not isinstance(index, cst.Call):
        return None
    for arg in index.args[1:]:
        value = arg.value
        if (
            arg.keyword is None
            and isinstance(value, cst.Attribute)
            and isinstance(value.value, cst.Attribute)
            and value.value.attr.value in ("c", "columns")
            and isinstance(value.value.value, cst.Name)
        ):
            return value.value.value.value
    return None


def _is_kw(arg: cst.Arg, name: str) -> bool:
    return arg.keyword is not None and arg.keyword.value == name


def _bound_element(call: cst.Call) -> cst.BaseExpression | None:
    """``e`` of ``CreateSequence(s, bind=e).execute()``: a construct given its bind (1.x)."""
    if not (
        isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "execute"
        and not call.args
        and isinstance(call.func.value, cst.Call)
    ):
        return None
    bind = _kw(call.func.value, "bind")
    return None if bind is None else bind.value


def _same_bind(one: str, other: str) -> bool:
    """The same Engine; tables' MetaData binds count as one (a script binds one MetaData)."""
    metadata = ".metadata.bind"
    return one == other or (one.endswith(metadata) and other.endswith(metadata))


def _dict(args: Sequence[cst.Arg]) -> cst.Dict:
    """``a=1, b=2`` as ``{"a": 1, "b": 2}``, each element keeping its comma's layout."""
    elements = []
    for i, arg in enumerate(args):
        assert arg.keyword is not None
        comma = arg.comma if i < len(args) - 1 else cst.MaybeSentinel.DEFAULT
        elements.append(
            cst.DictElement(
                key=cst.SimpleString(f'"{arg.keyword.value}"'), value=arg.value, comma=comma
            )
        )
    return cst.Dict(elements)


def _attribute_value(call: cst.Call) -> cst.BaseExpression:
    assert isinstance(call.func, cst.Attribute)
    return call.func.value


def _original_arg(call: cst.Call, index: int) -> cst.BaseExpression:
    return _positional(call)[index].value


def _string_parts(node: cst.CSTNode) -> Iterator[str]:
    for sub in _statements(node):
        if isinstance(sub, cst.SimpleString):
            yield sub.evaluated_value if isinstance(sub.evaluated_value, str) else ""
        elif isinstance(sub, cst.FormattedStringText):
            yield sub.value


def port_module(source: str) -> Ported:
    """Port one script's source; raises ``libcst.ParserSyntaxError`` on bad Python."""
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module)
    analysis = Analysis(wrapper.module)
    porter = Porter(analysis)
    new = wrapper.visit(porter)
    if porter.imports:
        context = CodemodContext()
        new = new.visit(AddImportsVisitor(context, porter.imports))
    rewrites = sorted(set(porter.rewrites), key=lambda r: (r.line, r.what))
    notes = sorted(set(porter.not_ported), key=lambda n: (n.line, n.why))
    return Ported(new.code, rewrites, notes)
