"""A tokenizer-based model of SQLite DDL text (the only module that reads SQL text).

SQLite keeps the ``CREATE TABLE``/``INDEX``/``TRIGGER``/``VIEW`` text it was given in
``sqlite_master``; a table rebuild must reproduce everything in it. This module parses
that text with sqlparse's lexer (never regular expressions over SQL) into frozen
dataclasses that keep the original text of every column and constraint, renders a
``CREATE TABLE`` back, and rewrites identifiers token by token.

Quoting: every identifier this module *writes* is quoted with double quotes (``"a""b"``),
always, whether SQLite needs it or not: it is never wrong, and it keeps reserved words,
mixed case and spaces safe. Text taken from the database is kept verbatim.

Comments: a comment *inside* a column or constraint is kept (it is part of that text);
comments between two items of a ``CREATE TABLE`` are dropped when the table is rendered,
since a trailing ``--`` comment would otherwise swallow the separating comma.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, TypeAlias

from sqlparse import tokens as T
from sqlparse.lexer import Lexer

ConstraintKind: TypeAlias = Literal["primary_key", "unique", "check", "foreign_key"]
ClauseKind: TypeAlias = Literal[
    "primary_key",
    "not_null",
    "null",
    "unique",
    "check",
    "default",
    "collate",
    "references",
    "generated",
]


class SqlParseError(ValueError):
    """The DDL text is not something this module understands."""


# ---------------------------------------------------------------------------
# tokens


@dataclass(frozen=True)
class Tok:
    """One lexical token with its position in the source text."""

    kind: Literal["word", "ident", "string", "number", "punct", "op", "comment", "space", "other"]
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def upper(self) -> str:
        """The keyword spelling of an unquoted word, '' for anything else."""
        return self.text.upper() if self.kind == "word" else ""

    @property
    def is_name(self) -> bool:
        """Whether this token can be an identifier (unquoted word or quoted name)."""
        return self.kind in ("word", "ident")

    @property
    def name(self) -> str:
        """The identifier this token spells (quotes removed)."""
        return unquote(self.text)


def _classify(ttype: object, value: str) -> str:
    if ttype in T.Comment:
        return "comment"
    if ttype in T.Text.Whitespace or ttype in T.Newline or value.isspace():
        return "space"
    if ttype in T.String.Symbol:
        return "ident"
    if ttype in T.String:
        return "string"
    if ttype in T.Number:
        return "number"
    if ttype in T.Punctuation:
        return "punct"
    if ttype in T.Operator:
        return "op"
    if ttype in T.Name or ttype in T.Keyword:
        if value[:1] in ('"', "`", "["):
            return "ident"
        return "word"
    return "other"


def tokenize(sql: str) -> list[Tok]:
    """All tokens of *sql*, trivia included, with their offsets.

    Multi-word keywords that sqlparse lexes as one token (``NOT NULL``, ``PRIMARY KEY``,
    ``DOUBLE PRECISION``) are split into one token per word.
    """
    out: list[Tok] = []
    pos = 0
    lexer = Lexer.get_default_instance()  # type: ignore[no-untyped-call]
    for ttype, value in lexer.get_tokens(sql):
        kind = _classify(ttype, value)
        if kind == "word" and any(ch.isspace() for ch in value):
            i = 0
            while i < len(value):
                if value[i].isspace():
                    j = i
                    while j < len(value) and value[j].isspace():
                        j += 1
                    out.append(Tok("space", value[i:j], pos + i))
                else:
                    j = i
                    while j < len(value) and not value[j].isspace():
                        j += 1
                    out.append(Tok("word", value[i:j], pos + i))
                i = j
        else:
            out.append(Tok(kind, value, pos))  # type: ignore[arg-type]
        pos += len(value)
    return out


def significant(tokens: Iterable[Tok]) -> list[Tok]:
    """The tokens that are not whitespace or comments."""
    return [t for t in tokens if t.kind not in ("space", "comment")]


def unquote(text: str) -> str:
    """The identifier spelled by one token: ``"a""b"`` -> ``a"b``, ``[x]`` -> ``x``."""
    if len(text) >= 2:
        first, last = text[0], text[-1]
        if first == '"' and last == '"':
            return text[1:-1].replace('""', '"')
        if first == "`" and last == "`":
            return text[1:-1].replace("``", "`")
        if first == "[" and last == "]":
            return text[1:-1]
        if first == "'" and last == "'":
            return text[1:-1].replace("''", "'")
    return text


def quote(name: str) -> str:
    """*name* as a double-quoted SQLite identifier (always quoted)."""
    return '"' + name.replace('"', '""') + '"'


def quote_string(value: str) -> str:
    """*value* as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _same(a: str, b: str) -> bool:
    """SQLite compares identifiers case-insensitively (ASCII)."""
    return a.lower() == b.lower()


class _Cursor:
    """Walks the significant tokens of one text, keeping spans of the source."""

    def __init__(self, sql: str, toks: Sequence[Tok] | None = None) -> None:
        self.sql = sql
        self.toks = significant(tokenize(sql)) if toks is None else list(toks)
        self.i = 0

    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def at(self, *words: str) -> bool:
        for k, w in enumerate(words):
            t = self.peek(k)
            if t is None or t.upper != w:
                return False
        return True

    def at_punct(self, text: str) -> bool:
        t = self.peek()
        return t is not None and t.kind == "punct" and t.text == text

    def next(self) -> Tok:
        t = self.peek()
        if t is None:
            raise SqlParseError(f"unexpected end of SQL: {self.sql!r}")
        self.i += 1
        return t

    def expect(self, *words: str) -> None:
        for w in words:
            t = self.next()
            if t.upper != w:
                raise SqlParseError(f"expected {w} at {t.start}, found {t.text!r}: {self.sql!r}")

    def accept(self, *words: str) -> bool:
        if self.at(*words):
            self.i += len(words)
            return True
        return False

    def done(self) -> bool:
        return self.i >= len(self.toks)

    def group(self) -> tuple[int, int]:
        """Consume a parenthesised group; return the token index range inside it."""
        if not self.at_punct("("):
            t = self.peek()
            raise SqlParseError(f"expected '(' at {t.start if t else 'end'}: {self.sql!r}")
        depth = 0
        first = self.i + 1
        while True:
            t = self.next()
            if t.kind == "punct" and t.text == "(":
                depth += 1
            elif t.kind == "punct" and t.text == ")":
                depth -= 1
                if depth == 0:
                    return first, self.i - 2

    def span(self, first: int, last: int) -> str:
        """Source text from token *first* to token *last* inclusive."""
        if last < first:
            return ""
        return self.sql[self.toks[first].start : self.toks[last].end]


def _split_top_level(toks: Sequence[Tok], first: int, last: int) -> list[tuple[int, int]]:
    """Token index ranges of the comma-separated items between *first* and *last*."""
    items: list[tuple[int, int]] = []
    depth = 0
    start = first
    for j in range(first, last + 1):
        t = toks[j]
        if t.kind == "punct" and t.text == "(":
            depth += 1
        elif t.kind == "punct" and t.text == ")":
            depth -= 1
        elif t.kind == "punct" and t.text == "," and depth == 0:
            items.append((start, j - 1))
            start = j + 1
    if start <= last:
        items.append((start, last))
    return items


def _name_list(cur: _Cursor) -> tuple[str, ...]:
    """Column names of a ``(a, b COLLATE x DESC)`` list (first token of each item)."""
    first, last = cur.group()
    names = []
    for a, _b in _split_top_level(cur.toks, first, last):
        names.append(cur.toks[a].name)
    return tuple(names)


# ---------------------------------------------------------------------------
# CREATE TABLE


_COLUMN_CLAUSE_START = frozenset(
    {
        "CONSTRAINT",
        "PRIMARY",
        "NOT",
        "NULL",
        "UNIQUE",
        "CHECK",
        "DEFAULT",
        "COLLATE",
        "REFERENCES",
        "GENERATED",
        "AS",
    }
)
_TABLE_CONSTRAINT_START = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"})


@dataclass(frozen=True)
class ColumnClause:
    """One column constraint, e.g. ``CONSTRAINT nn NOT NULL`` or ``DEFAULT (1 + 2)``."""

    kind: ClauseKind
    #: the ``CONSTRAINT name`` given before it, if any
    name: str | None
    #: original text, including ``CONSTRAINT name``
    text: str
    #: the text without ``CONSTRAINT name`` (``DEFAULT 'x'``, ``REFERENCES p(id) ...``)
    body: str


@dataclass(frozen=True)
class ColumnDef:
    """One column of a ``CREATE TABLE``."""

    name: str
    #: the name as written (quoting kept)
    name_text: str
    #: everything after the name, verbatim
    definition: str
    #: declared type, ``""`` when none
    type_text: str
    clauses: tuple[ColumnClause, ...] = ()

    def clause(self, kind: ClauseKind) -> ColumnClause | None:
        return next((c for c in self.clauses if c.kind == kind), None)

    @property
    def not_null(self) -> bool:
        return self.clause("not_null") is not None

    @property
    def default(self) -> str | None:
        """The DEFAULT expression text (``'x'``, ``(1 + 2)``, ``CURRENT_TIMESTAMP``)."""
        c = self.clause("default")
        return c.body.split(None, 1)[1] if c is not None else None

    @property
    def primary_key(self) -> bool:
        return self.clause("primary_key") is not None

    @property
    def autoincrement(self) -> bool:
        c = self.clause("primary_key")
        return c is not None and any(
            t.upper == "AUTOINCREMENT" for t in significant(tokenize(c.body))
        )

    @property
    def unique(self) -> bool:
        return self.clause("unique") is not None

    @property
    def collation(self) -> str | None:
        c = self.clause("collate")
        return significant(tokenize(c.body))[-1].name if c is not None else None

    @property
    def generated(self) -> Literal["STORED", "VIRTUAL"] | None:
        """``STORED``/``VIRTUAL`` for a generated column (SQLite's default is VIRTUAL)."""
        c = self.clause("generated")
        if c is None:
            return None
        last = significant(tokenize(c.body))[-1].upper
        return "STORED" if last == "STORED" else "VIRTUAL"

    @property
    def references(self) -> str | None:
        c = self.clause("references")
        return c.body if c is not None else None

    def render(self) -> str:
        return f"{self.name_text} {self.definition}".rstrip()

    def rebuilt(
        self,
        *,
        name: str | None = None,
        type_text: str | None = None,
        clauses: Sequence[ColumnClause] | None = None,
    ) -> ColumnDef:
        """A new column with some parts replaced; the definition text is re-assembled."""
        new_type = self.type_text if type_text is None else type_text
        new_clauses = tuple(self.clauses if clauses is None else clauses)
        if type_text is None and clauses is None:
            definition = self.definition
        else:
            definition = " ".join([p for p in [new_type, *(c.text for c in new_clauses)] if p])
        return ColumnDef(
            name=self.name if name is None else name,
            name_text=self.name_text if name is None else quote(name),
            definition=definition,
            type_text=new_type,
            clauses=new_clauses,
        )


@dataclass(frozen=True)
class TableConstraint:
    """One table constraint of a ``CREATE TABLE``."""

    kind: ConstraintKind
    name: str | None
    #: local column names (empty for CHECK)
    columns: tuple[str, ...]
    #: original text, including ``CONSTRAINT name``
    text: str
    #: the text without ``CONSTRAINT name``
    body: str
    #: FOREIGN KEY only: referenced table and columns
    ref_table: str | None = None
    ref_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedTable:
    """A ``CREATE TABLE`` statement as columns, constraints and options."""

    name: str
    columns: tuple[ColumnDef, ...]
    constraints: tuple[TableConstraint, ...] = ()
    #: table options, upper case: ``("WITHOUT ROWID", "STRICT")``
    options: tuple[str, ...] = ()
    schema: str | None = None
    temporary: bool = False

    def column(self, name: str) -> ColumnDef | None:
        return next((c for c in self.columns if _same(c.name, name)), None)

    @property
    def without_rowid(self) -> bool:
        return "WITHOUT ROWID" in self.options

    @property
    def strict(self) -> bool:
        return "STRICT" in self.options

    @property
    def primary_key_columns(self) -> tuple[str, ...]:
        for c in self.columns:
            if c.primary_key:
                return (c.name,)
        for k in self.constraints:
            if k.kind == "primary_key":
                return k.columns
        return ()

    @property
    def rowid_alias(self) -> str | None:
        """The INTEGER PRIMARY KEY column that aliases the rowid, if any.

        See https://www.sqlite.org/lang_createtable.html#rowid: the declared type must be
        exactly ``INTEGER``, and a column-level ``PRIMARY KEY DESC`` is not an alias.
        """
        if self.without_rowid:
            return None
        pk = self.primary_key_columns
        if len(pk) != 1:
            return None
        col = self.column(pk[0])
        if col is None or col.type_text.upper() != "INTEGER":
            return None
        c = col.clause("primary_key")
        if c is not None and any(t.upper == "DESC" for t in significant(tokenize(c.body))):
            return None
        return col.name

    @property
    def autoincrement(self) -> bool:
        return any(c.autoincrement for c in self.columns)

    def replace(
        self,
        *,
        columns: Sequence[ColumnDef] | None = None,
        constraints: Sequence[TableConstraint] | None = None,
    ) -> ParsedTable:
        return replace(
            self,
            columns=self.columns if columns is None else tuple(columns),
            constraints=self.constraints if constraints is None else tuple(constraints),
        )


def _skip_conflict(cur: _Cursor) -> None:
    if cur.accept("ON", "CONFLICT"):
        cur.next()


def _fk_clause(cur: _Cursor) -> tuple[str, tuple[str, ...]]:
    """After REFERENCES: consume the foreign-key clause; return (table, columns)."""
    table = cur.next().name
    if cur.at_punct("."):  # schema-qualified (not valid SQLite, tolerated)
        cur.next()
        table = cur.next().name
    cols: tuple[str, ...] = ()
    if cur.at_punct("("):
        cols = _name_list(cur)
    while not cur.done():
        if cur.accept("ON"):
            cur.next()  # DELETE / UPDATE
            if cur.accept("SET"):
                cur.next()  # NULL / DEFAULT
            elif cur.accept("NO"):
                cur.next()  # ACTION
            else:
                cur.next()  # CASCADE / RESTRICT
        elif cur.accept("MATCH"):
            cur.next()
        elif cur.at("NOT", "DEFERRABLE") or cur.at("DEFERRABLE"):
            cur.accept("NOT")
            cur.next()
            if cur.accept("INITIALLY"):
                cur.next()
        else:
            break
    return table, cols


def _parse_clause(cur: _Cursor) -> tuple[ClauseKind, str | None, int, int]:
    """One column constraint: (kind, name, first token, body first token)."""
    first = cur.i
    cname: str | None = None
    if cur.accept("CONSTRAINT"):
        cname = cur.next().name
    body = cur.i
    kind: ClauseKind
    if cur.accept("PRIMARY", "KEY"):
        kind = "primary_key"
        if cur.at("ASC") or cur.at("DESC"):
            cur.next()
        _skip_conflict(cur)
        cur.accept("AUTOINCREMENT")
    elif cur.accept("NOT", "NULL"):
        kind = "not_null"
        _skip_conflict(cur)
    elif cur.accept("NULL"):
        kind = "null"
        _skip_conflict(cur)
    elif cur.accept("UNIQUE"):
        kind = "unique"
        _skip_conflict(cur)
    elif cur.accept("CHECK"):
        kind = "check"
        cur.group()
    elif cur.accept("DEFAULT"):
        kind = "default"
        if cur.at_punct("("):
            cur.group()
        else:
            t = cur.next()
            if t.kind == "op" and t.text in "+-":
                cur.next()
            elif t.kind == "word" and t.upper == "X":  # blob literal x'..' lexed as two tokens
                nxt = cur.peek()
                if nxt is not None and nxt.kind == "string" and nxt.start == t.end:
                    cur.next()
    elif cur.accept("COLLATE"):
        kind = "collate"
        cur.next()
    elif cur.accept("REFERENCES"):
        kind = "references"
        _fk_clause(cur)
    elif cur.at("GENERATED") or cur.at("AS"):
        kind = "generated"
        if cur.accept("GENERATED"):
            cur.expect("ALWAYS")
        cur.expect("AS")
        cur.group()
        if cur.at("STORED") or cur.at("VIRTUAL"):
            cur.next()
    else:
        bad = cur.peek()
        raise SqlParseError(
            f"unknown column constraint at {bad.text if bad else 'end'!r}: {cur.sql!r}"
        )
    return kind, cname, first, body


def parse_column_def(text: str) -> ColumnDef:
    """Parse one column definition (``name type constraints...``)."""
    cur = _Cursor(text)
    if cur.done():
        raise SqlParseError("empty column definition")
    name_tok = cur.next()
    type_first = cur.i
    while not cur.done():
        t = cur.peek()
        assert t is not None
        if t.upper in _COLUMN_CLAUSE_START:
            break
        if t.kind == "punct" and t.text == "(":
            cur.group()
        else:
            cur.next()
    type_text = cur.span(type_first, cur.i - 1)
    clauses: list[ColumnClause] = []
    while not cur.done():
        kind, cname, first, body = _parse_clause(cur)
        clauses.append(
            ColumnClause(kind, cname, cur.span(first, cur.i - 1), cur.span(body, cur.i - 1))
        )
    after = cur.toks[type_first].start if type_first < len(cur.toks) else len(text)
    return ColumnDef(
        name=name_tok.name,
        name_text=name_tok.text,
        definition=text[after:].strip() if type_first < len(cur.toks) else "",
        type_text=type_text,
        clauses=tuple(clauses),
    )


def _parse_table_constraints(cur: _Cursor) -> list[TableConstraint]:
    """Table constraints of one comma-separated item (SQLite allows several without commas)."""
    out: list[TableConstraint] = []
    while not cur.done():
        first = cur.i
        cname: str | None = None
        if cur.accept("CONSTRAINT"):
            cname = cur.next().name
        body = cur.i
        kind: ConstraintKind
        cols: tuple[str, ...] = ()
        ref_table: str | None = None
        ref_cols: tuple[str, ...] = ()
        if cur.accept("PRIMARY", "KEY"):
            kind = "primary_key"
            cols = _name_list(cur)
            _skip_conflict(cur)
        elif cur.accept("UNIQUE"):
            kind = "unique"
            cols = _name_list(cur)
            _skip_conflict(cur)
        elif cur.accept("CHECK"):
            kind = "check"
            cur.group()
        elif cur.accept("FOREIGN", "KEY"):
            kind = "foreign_key"
            cols = _name_list(cur)
            cur.expect("REFERENCES")
            ref_table, ref_cols = _fk_clause(cur)
        else:
            t = cur.peek()
            raise SqlParseError(
                f"unknown table constraint at {t.text if t else 'end'!r}: {cur.sql!r}"
            )
        out.append(
            TableConstraint(
                kind=kind,
                name=cname,
                columns=cols,
                text=cur.span(first, cur.i - 1),
                body=cur.span(body, cur.i - 1),
                ref_table=ref_table,
                ref_columns=ref_cols,
            )
        )
    return out


def parse_table_constraint(text: str) -> TableConstraint:
    """Parse one table constraint text (``CONSTRAINT x UNIQUE (a, b)``)."""
    found = _parse_table_constraints(_Cursor(text))
    if len(found) != 1:
        raise SqlParseError(f"expected one table constraint: {text!r}")
    return found[0]


_CLOSE = {"'": "'", '"': '"', "`": "`", "[": "]"}


def top_level_items(sql: str) -> list[str] | None:
    """The comma-separated items inside a ``CREATE TABLE``'s parentheses, by a scan that
    only skips quoted text and comments (a full :func:`parse_create_table` tokenizes
    everything with sqlparse: ~2 ms a table). None when the text does not look like
    ``CREATE TABLE name (...)``."""
    start = sql.find("(")
    if start < 0:
        return None
    items: list[str] = []
    depth = 0
    item_start = start + 1
    i = start
    n = len(sql)
    while i < n:
        ch = sql[i]
        if ch in _CLOSE:
            end = sql.find(_CLOSE[ch], i + 1)
            while end >= 0 and ch != "[" and sql[end + 1 : end + 2] == ch:  # doubled quote
                end = sql.find(ch, end + 2)
            if end < 0:
                return None
            i = end + 1
            continue
        if ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                items.append(sql[item_start:i].strip())
                return items
        elif ch == "," and depth == 1:
            items.append(sql[item_start:i].strip())
            item_start = i + 1
        i += 1
    return None


def named_table_constraints(sql: str) -> tuple[TableConstraint, ...] | None:
    """The table constraints of a ``CREATE TABLE`` that have a ``CONSTRAINT name``, read
    cheaply: only those items are tokenized. None when a name may sit elsewhere (a column
    constraint) or the text is not understood: then parse the whole statement."""
    items = top_level_items(sql)
    if items is None:
        return None
    found: list[TableConstraint] = []
    for item in items:
        first = item.split(None, 1)[0].upper() if item else ""
        if first == "CONSTRAINT":
            try:
                found.extend(_parse_table_constraints(_Cursor(item)))
            except SqlParseError:
                return None
        elif "CONSTRAINT" in item.upper():
            return None  # a named column constraint (or the word in a name): parse it all
    return tuple(found)


def parse_create_table(sql: str) -> ParsedTable:
    """Parse a ``CREATE TABLE`` statement as stored in ``sqlite_master.sql``."""
    cur = _Cursor(sql)
    cur.expect("CREATE")
    temporary = cur.accept("TEMP") or cur.accept("TEMPORARY")
    cur.expect("TABLE")
    cur.accept("IF", "NOT", "EXISTS")
    schema: str | None = None
    name = cur.next().name
    if cur.at_punct("."):
        cur.next()
        schema, name = name, cur.next().name
    if cur.at("AS"):
        raise SqlParseError(f"CREATE TABLE ... AS SELECT has no column definitions: {sql!r}")
    first, last = cur.group()
    columns: list[ColumnDef] = []
    constraints: list[TableConstraint] = []
    for a, b in _split_top_level(cur.toks, first, last):
        item = _Cursor(sql, cur.toks[a : b + 1])
        if constraints or cur.toks[a].upper in _TABLE_CONSTRAINT_START:
            constraints.extend(_parse_table_constraints(item))
        else:
            columns.append(parse_column_def(cur.span(a, b)))
    options: list[str] = []
    while not cur.done():
        if cur.accept("WITHOUT"):
            word = cur.next()
            options.append(f"WITHOUT {word.upper}")
        elif cur.at_punct(",") or cur.at_punct(";"):
            cur.next()
        else:
            options.append(cur.next().upper)
    return ParsedTable(
        name=name,
        columns=tuple(columns),
        constraints=tuple(constraints),
        options=tuple(options),
        schema=schema,
        temporary=temporary,
    )


def render_create_table(parsed: ParsedTable, name: str | None = None) -> str:
    """``CREATE TABLE "name" (...)`` for *parsed*; column and constraint texts verbatim."""
    items = [c.render() for c in parsed.columns] + [k.text for k in parsed.constraints]
    target = quote(parsed.name if name is None else name)
    if parsed.schema:
        target = f"{quote(parsed.schema)}.{target}"
    sql = "CREATE TABLE " + target + " (\n\t" + ",\n\t".join(items) + "\n)"
    if parsed.options:
        sql += " " + ", ".join(parsed.options)
    return sql


def qualify_create(sql: str, schema: str | None) -> str:
    """Prefix the object name of a ``CREATE TABLE/INDEX/TRIGGER/VIEW`` with ``"schema".``.

    Text stored in an attached database's ``sqlite_master`` names no schema; re-running it
    on the same connection must say which database it belongs to. Already qualified
    names and ``schema=None`` leave *sql* unchanged.
    """
    if not schema:
        return sql
    cur = _Cursor(sql)
    cur.expect("CREATE")
    while cur.accept("UNIQUE") or cur.accept("TEMP") or cur.accept("TEMPORARY"):
        pass
    kind = cur.next()
    if kind.upper not in ("TABLE", "INDEX", "TRIGGER", "VIEW"):
        raise SqlParseError(f"not a CREATE TABLE/INDEX/TRIGGER/VIEW: {sql!r}")
    cur.accept("IF", "NOT", "EXISTS")
    name = cur.next()
    if cur.at_punct("."):
        return sql
    return sql[: name.start] + quote(schema) + "." + sql[name.start :]


# ---------------------------------------------------------------------------
# CREATE INDEX


@dataclass(frozen=True)
class IndexedColumn:
    """One item of an index's column list."""

    text: str
    #: the column it names, or None for an expression
    column: str | None


@dataclass(frozen=True)
class ParsedIndex:
    """A ``CREATE INDEX`` statement."""

    name: str
    table: str
    unique: bool
    columns: tuple[IndexedColumn, ...]
    #: the partial-index condition text, without WHERE
    where: str | None
    sql: str

    def render(self, name: str | None = None) -> str:
        head = "CREATE UNIQUE INDEX " if self.unique else "CREATE INDEX "
        cols = ", ".join(c.text for c in self.columns)
        sql = f"{head}{quote(self.name if name is None else name)} ON {quote(self.table)} ({cols})"
        if self.where is not None:
            sql += f" WHERE {self.where}"
        return sql


def parse_create_index(sql: str) -> ParsedIndex:
    """Parse ``CREATE [UNIQUE] INDEX name ON table (cols) [WHERE expr]``."""
    cur = _Cursor(sql)
    cur.expect("CREATE")
    unique = cur.accept("UNIQUE")
    cur.expect("INDEX")
    cur.accept("IF", "NOT", "EXISTS")
    name = cur.next().name
    if cur.at_punct("."):
        cur.next()
        name = cur.next().name
    cur.expect("ON")
    table = cur.next().name
    first, last = cur.group()
    cols: list[IndexedColumn] = []
    for a, b in _split_top_level(cur.toks, first, last):
        toks = cur.toks[a : b + 1]
        column: str | None = None
        if toks[0].is_name and all(
            t.upper in ("ASC", "DESC")
            or (j >= 1 and toks[j - 1].upper == "COLLATE")
            or t.upper == "COLLATE"
            for j, t in enumerate(toks)
            if j > 0
        ):
            column = toks[0].name
        cols.append(IndexedColumn(cur.span(a, b), column))
    where: str | None = None
    if cur.accept("WHERE"):
        where = cur.span(cur.i, len(cur.toks) - 1)
    return ParsedIndex(name, table, unique, tuple(cols), where, sql)


# ---------------------------------------------------------------------------
# identifiers inside any SQL text


def _identifier_positions(toks: Sequence[Tok]) -> list[int]:
    """Indexes of tokens that are identifiers (not string literals, not blob prefixes)."""
    out = []
    for j, t in enumerate(toks):
        if t.kind == "ident":
            out.append(j)
        elif t.kind == "word":
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if t.upper == "X" and nxt is not None and nxt.kind == "string" and nxt.start == t.end:
                continue  # x'0A' blob literal
            out.append(j)
    return out


def identifiers(sql: str) -> list[str]:
    """Every identifier-like token of *sql*, unquoted (keywords included)."""
    toks = tokenize(sql)
    return [toks[j].name for j in _identifier_positions(toks)]


def references_identifier(sql: str, name: str) -> bool:
    """Whether an identifier token of *sql* spells *name* (case-insensitive, any quoting)."""
    return any(_same(n, name) for n in identifiers(sql))


def rename_identifier(
    sql: str, old: str, new: str, *, qualifiers: Sequence[str] | None = None
) -> str:
    """Replace identifier tokens spelling *old* by ``"new"``; string literals are untouched.

    See :func:`rename_identifiers`.
    """
    return rename_identifiers(sql, {old: new}, qualifiers=qualifiers)


def rename_identifiers(
    sql: str, mapping: Mapping[str, str], *, qualifiers: Sequence[str] | None = None
) -> str:
    """Rename identifier tokens by *mapping* (old -> new) in one pass, so swaps work.

    Matching is case-insensitive and ignores the quoting style; renamed identifiers are
    written double-quoted. String literals and blob literals are never touched.
    With *qualifiers* (e.g. ``("t", "new", "old")`` for a trigger on ``t``), a qualified
    reference ``q.old`` is renamed only when ``q`` is one of them, and a name followed by
    ``.`` (a table or alias) is left alone; unqualified references are always renamed.
    """
    lowered = {k.lower(): v for k, v in mapping.items()}
    toks = tokenize(sql)
    sig = significant(toks)
    index_in_sig = {id(t): k for k, t in enumerate(sig)}
    targets = set(_identifier_positions(toks))
    parts: list[str] = []
    for j, t in enumerate(toks):
        new = lowered.get(t.name.lower()) if j in targets else None
        if new is not None:
            k = index_in_sig[id(t)]
            prev = sig[k - 1] if k >= 1 else None
            nxt = sig[k + 1] if k + 1 < len(sig) else None
            skip = False
            if qualifiers is not None:
                if nxt is not None and nxt.kind == "punct" and nxt.text == ".":
                    skip = True  # `old.x`: a table or alias spelt like the column
                elif (
                    prev is not None
                    and prev.kind == "punct"
                    and prev.text == "."
                    and k >= 2
                    and not any(_same(sig[k - 2].name, q) for q in qualifiers)
                ):
                    skip = True  # `other.old`: another table's column
            if not skip:
                parts.append(quote(new))
                continue
        parts.append(t.text)
    return "".join(parts)


def normalized(sql: str) -> tuple[str, ...]:
    """A comparison key for SQL text: significant tokens, identifiers unquoted and lowered."""
    out = []
    for t in significant(tokenize(sql)):
        if t.kind in ("word", "ident"):
            out.append(t.name.lower())
        else:
            out.append(t.text)
    return tuple(out)


__all__ = [
    "ColumnClause",
    "ColumnDef",
    "IndexedColumn",
    "ParsedIndex",
    "ParsedTable",
    "SqlParseError",
    "TableConstraint",
    "Tok",
    "identifiers",
    "normalized",
    "parse_column_def",
    "parse_create_index",
    "parse_create_table",
    "parse_table_constraint",
    "qualify_create",
    "quote",
    "quote_string",
    "references_identifier",
    "rename_identifier",
    "rename_identifiers",
    "render_create_table",
    "significant",
    "tokenize",
    "unquote",
]
