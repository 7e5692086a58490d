"""Per-dialect normal forms: two spellings of one schema fact get one key.

A model compiled for a dialect and the same schema reflected back differ in spelling
(``FLOAT(53)`` vs ``DOUBLE PRECISION``, ``'x'::character varying`` vs ``'x'``, ``now()`` vs
``CURRENT_TIMESTAMP``, ``INTEGER(11)``, CHECK text with added parentheses and casts). Each
function here maps both spellings to one comparable key. SQL text is read with sqlparse's
tokenizer, never with regular expressions.
"""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
import sqlparse
from sqlalchemy.engine import Dialect
from sqlparse import tokens as T

# ---------------------------------------------------------------------------- types

#: reflected or compiled spelling -> one spelling, per dialect family
_TYPE_ALIASES: dict[str, dict[str, str]] = {
    "postgresql": {
        "FLOAT": "DOUBLE PRECISION",
        "DOUBLE": "DOUBLE PRECISION",
        "FLOAT8": "DOUBLE PRECISION",
        "FLOAT4": "REAL",
        "INT": "INTEGER",
        "INT4": "INTEGER",
        "INT8": "BIGINT",
        "INT2": "SMALLINT",
        "DECIMAL": "NUMERIC",
        "TIMESTAMP": "TIMESTAMP WITHOUT TIME ZONE",
        "TIME": "TIME WITHOUT TIME ZONE",
        "CHARACTER VARYING": "VARCHAR",
        "BOOL": "BOOLEAN",
    },
    "mysql": {
        "BOOL": "TINYINT(1)",
        "BOOLEAN": "TINYINT(1)",
        "NUMERIC": "DECIMAL(10,0)",
        "DECIMAL": "DECIMAL(10,0)",
        "DOUBLE PRECISION": "DOUBLE",
        "REAL": "DOUBLE",
        "INT": "INTEGER",
    },
    "sqlite": {"CLOB": "TEXT", "INT": "INTEGER", "DOUBLE PRECISION": "DOUBLE"},
}

_MYSQL_INTS = ("TINYINT", "SMALLINT", "MEDIUMINT", "INTEGER", "INT", "BIGINT", "YEAR")


def family(dialect: Dialect) -> str:
    name = dialect.name
    return "mysql" if name in ("mysql", "mariadb") else name


_TYPE_KEYS: dict[Any, str] = {}


def type_key(type_: sa.types.TypeEngine[Any], dialect: Dialect) -> str:
    """The type as the dialect spells it, in one normal form."""
    cacheable = not isinstance(
        type_, sa.types.SchemaType | sa.types.TypeDecorator | sa.types.UserDefinedType
    )
    if cacheable:
        try:
            memo = (dialect.name, getattr(dialect, "is_mariadb", False), type_._static_cache_key)
            found = _TYPE_KEYS.get(memo)
        except TypeError:  # an attribute that cannot be hashed
            cacheable = False
        else:
            if found is not None:
                return found
    key = _type_key(type_, dialect)
    if cacheable and len(_TYPE_KEYS) < 10_000:
        _TYPE_KEYS[memo] = key
    return key


def _type_key(type_: sa.types.TypeEngine[Any], dialect: Dialect) -> str:
    try:
        text = str(type_.compile(dialect=dialect))
    except Exception:  # a type the dialect cannot render: its Python spelling
        return repr(type_)
    fam = family(dialect)
    if fam == "mysql" and getattr(dialect, "is_mariadb", False) and text == "JSON":
        return "LONGTEXT"  # MariaDB's JSON is LONGTEXT with a json_valid() CHECK
    return _type_text_key(text, fam)


def declared_type_key(text: str, dialect: Dialect) -> str:
    """A type as declared in the database's DDL (SQLite keeps the text)."""
    return _type_text_key(text, family(dialect))


@functools.lru_cache(maxsize=4096)
def _type_text_key(text: str, fam: str) -> str:
    text = " ".join(text.upper().split())
    for marker in (" CHARACTER SET ", " COLLATE "):  # charset/collation: not compared
        cut = text.find(marker)
        if cut >= 0:
            text = text[:cut]
    text = text.replace(", ", ",")
    base, paren, rest = text.partition("(")
    args, _, suffix = rest.partition(")") if paren else ("", "", "")
    base, suffix = base.strip(), suffix.strip()
    if fam == "mysql":
        first, _, tail = base.partition(" ")
        if first in _MYSQL_INTS and not (first == "TINYINT" and args == "1"):
            # display widths mean nothing (and MySQL 8 stopped reporting them)
            return " ".join(w for w in ("INTEGER" if first == "INT" else first, tail, suffix) if w)
        if base == "FLOAT" and args:
            return "FLOAT" if int(args.split(",")[0]) <= 24 else "DOUBLE"
        if base in ("DECIMAL", "NUMERIC") and args:
            return f"DECIMAL({args})" if "," in args else f"DECIMAL({args},0)"
    if fam == "postgresql":
        if base == "FLOAT" and args:
            return "REAL" if int(args) <= 24 else "DOUBLE PRECISION"
        if base == "DOUBLE PRECISION":
            return base
        if base in ("TIMESTAMP", "TIME") and "WITH TIME ZONE" in text and "WITHOUT" not in text:
            return f"{base} WITH TIME ZONE"
        if base.startswith(("TIMESTAMP ", "TIME ")):
            return base
    if fam == "sqlite" and base in ("FLOAT", "REAL", "DOUBLE"):
        return base  # SQLite keeps no precision for floats
    aliases = _TYPE_ALIASES.get(fam, {})
    if args:
        key = f"{aliases.get(base, base)}({args})"
        key = aliases.get(key, key)
    else:
        key = aliases.get(base, base)
    return f"{key} {suffix}" if suffix else key


# ---------------------------------------------------------------------------- SQL text


def _tokens(sql: str) -> list[tuple[Any, str]]:
    """sqlparse's flat token stream, without whitespace and comments."""
    out: list[tuple[Any, str]] = []
    for ttype, value in sqlparse.lexer.tokenize(sql):  # type: ignore[no-untyped-call]
        if ttype in T.Whitespace or ttype in T.Newline or ttype in T.Comment:
            continue
        out.append((ttype, value))
    return out


def _drop_casts(toks: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """Remove PostgreSQL ``::type`` casts (``::character varying``, ``::text[]``)."""
    out: list[tuple[Any, str]] = []
    i = 0
    while i < len(toks):
        ttype, value = toks[i]
        if value == "::":
            i += 1
            # the type: names and keywords, then optional (n) and []
            while i < len(toks) and (
                toks[i][0] in T.Name
                or toks[i][0] in T.Keyword
                or toks[i][0] in T.Name.Builtin
                or toks[i][1] in ("[", "]")
            ):
                i += 1
            continue
        out.append((ttype, value))
        i += 1
    return out


def _word(ttype: Any, value: str) -> str:
    if ttype in T.String.Symbol or (value[:1] in ('"', "`") and value[-1:] == value[:1]):
        return value[1:-1].lower()  # a quoted identifier
    if ttype in T.String:
        return value  # literals keep their case
    if ttype in T.Number:
        return _number(value)
    return value.lower()


def _number(text: str) -> str:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if number == number.to_integral_value():
        return str(int(number))
    return str(number.normalize())


_NOW = {"now", "current_timestamp", "localtimestamp", "statement_timestamp"}


@functools.lru_cache(maxsize=4096)
def default_key(sql: str | None) -> str | None:
    """A server default's normal form: literals by value, casts and outer parentheses gone,
    ``now()`` = ``CURRENT_TIMESTAMP``, ``true`` = ``1``, ``'0'`` = ``0`` = ``0.00``."""
    if sql is None:
        return None
    toks = _drop_casts(_tokens(sql))
    while len(toks) >= 2 and toks[0][1] == "(" and toks[-1][1] == ")" and _balanced(toks[1:-1]):
        toks = toks[1:-1]
    if not toks:
        return ""
    words = [_word(t, v) for t, v in toks]
    if len(words) == 1:
        word = words[0]
        ttype = toks[0][0]
        if ttype in T.String.Single:
            value = word[1:-1].replace("''", "'")
            try:
                Decimal(value)
            except InvalidOperation:
                return f"'{value}'"
            return _number(value)
        if word in ("true", "false"):
            return "1" if word == "true" else "0"
        if word == "null":
            return None
        if word in _NOW:
            return "current_timestamp"
        return word
    if words[0] in _NOW and words[1:] == ["(", ")"]:
        return "current_timestamp"
    return " ".join(words)


def _balanced(toks: list[tuple[Any, str]]) -> bool:
    depth = 0
    for _, value in toks:
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


_OPERATORS = {
    "=",
    "<>",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    ",",
    "and",
    "or",
    "not",
    "in",
    "[",
    "+",
    "-",
    "*",
    "/",
}


@functools.lru_cache(maxsize=4096)
def check_key(sql: str) -> str:
    """A CHECK condition's normal form: tokens without parentheses, casts and identifier
    quotes, lower case; PostgreSQL's ``= ANY (ARRAY[...])`` spelling of ``IN`` is ``IN``."""
    toks = _drop_casts(_tokens(sql))
    words: list[str] = []
    for t, v in toks:
        if v in ("(", ")"):
            continue
        word = _word(t, v)
        if t in T.String.Single:
            inner = word[1:-1]
            try:
                Decimal(inner)
                word = _number(inner)  # PostgreSQL writes -100 as '-100'::integer
            except InvalidOperation:
                pass
        if (
            words
            and words[-1] == "-"
            and t in T.Number
            and (len(words) == 1 or words[-2] in _OPERATORS)
        ):
            words[-1] = "-" + word  # a negative literal, one token
            continue
        words.append(word)
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i : i + 3] == ["=", "any", "array"] and i + 3 < len(words):
            out.append("in")
            i += 3
            if words[i] == "[":
                i += 1
            continue
        if words[i] in ("[", "]") and "in" in out:
            i += 1
            continue
        out.append(words[i])
        i += 1
    return " ".join(out)


def action_key(action: str | None, fam: str) -> str | None:
    """An FK ON DELETE / ON UPDATE action, the database's default spelt as None."""
    if action is None:
        return None
    action = " ".join(action.upper().split())
    if action == "NO ACTION" or (fam == "mysql" and action == "RESTRICT"):
        return None
    return action


# ---------------------------------------------------------------------------- generated keys

#: how each dialect family spells "the database generates the values"
_GENERATED = {"postgresql": "serial", "mysql": "auto_increment", "sqlite": "autoincrement"}


def generated_key(col: Any, fam: str) -> str | None:
    """How the database generates a column's values, or None: ``identity`` or ``serial``
    (PostgreSQL), ``auto_increment`` (MySQL), ``autoincrement`` (SQLite's keyword; a plain
    ``INTEGER PRIMARY KEY`` is the rowid either way, so it is not a difference)."""
    if col.identity and fam == "postgresql":
        return "identity"
    if col.autoincrement:
        return _GENERATED.get(fam, "autoincrement")
    return None


def generated_matches(have: str | None, want: str | None) -> bool:
    """The database's generated key satisfies the model's: the same, or (PostgreSQL) an
    identity column where the model leaves it to SQLAlchemy, which would write SERIAL (both
    generate the values; a plain ``autoincrement=True`` on PostgreSQL makes an identity)."""
    return have == want or (have == "identity" and want == "serial")
