"""The documents' templates: one Jinja2 file per kind (the HTML subset fpdf2's ``write_html`` draws), the built-in
ones in ``templates/`` or an organisation's own named in configuration (``documents.templates: {kind: path}``,
a path relative to the configuration file or absolute).

A template is checked when it is loaded: its syntax, and every field it reads against its kind's documented
context (:mod:`workbench.printing.schema`), walking Jinja2's syntax tree (names, attributes, items, ``for`` loops
bound to the element of the list they iterate, ``set``, macros); a field that does not exist, a text key
``t("…")`` that is not in the catalogue, an ``<img>`` (a file or an address fpdf2 would fetch) or a tag that
brings in another file is refused, naming the template. It is rendered in Jinja2's sandbox with autoescape on
and undefined values refused.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .. import config, i18n
from ..i18n import UserError
from . import texts  # noqa: F401 -- the built-in templates' texts, in the catalogue before any is checked
from .schema import schema_of

i18n.add({
    "template.unknown_field": {
        "uk": "Шаблон {template}: поля «{field}» немає в контексті документа (див. workbench/printing/CONTEXT.md).",
        "en": "Template {template}: there is no field '{field}' in the document's context (see "
              "workbench/printing/CONTEXT.md).",
    },
    "template.unknown_text": {
        "uk": "Шаблон {template}: тексту t(«{text}») немає в каталозі.",
        "en": "Template {template}: there is no text t('{text}') in the catalogue.",
    },
    "template.syntax": {"uk": "Шаблон {template}, рядок {line}: {problem}",
                        "en": "Template {template}, line {line}: {problem}"},
    "template.unsupported": {
        "uk": "Шаблон {template}: «{what}» не дозволено (шаблон — один файл без зображень; логотип задає конфігурація).",
        "en": "Template {template}: '{what}' is not allowed (a template is one file without images; the logo comes "
              "from the configuration).",
    },
    "template.unreadable": {"uk": "Шаблон {template} не вдалося прочитати: {problem}",
                            "en": "The template {template} could not be read: {problem}"},
    "template.render_failed": {"uk": "Шаблон {template} не вдалося заповнити: {problem}",
                               "en": "The template {template} could not be filled in: {problem}"},
})

BUILTIN = Path(__file__).parent / "templates"
ANY = object()  # what an expression gives when its schema is not known (a filter's result, a macro's argument)
# Filters whose result is the list they were given, so a loop over it still knows its elements.
LIST_FILTERS = {"sort", "reverse", "list", "unique", "selectattr", "rejectattr"}
GLOBALS = {"range": ANY}
_IMG = re.compile(r"<\s*img\b", re.IGNORECASE)
_ENV = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Template:
    """A checked template: ``name`` (its file's name), ``sha256`` of its text, and Jinja2's compiled template."""

    kind: str
    name: str
    sha256: str
    compiled: object

    @property
    def label(self) -> str:
        """How the documents' register names it: the file's name and its text's SHA-256."""
        return f"{self.name} sha256:{self.sha256}"

    def render(self, context: dict, lang: str) -> str:
        """The HTML for ``context`` in ``lang``; raises ``UserError`` (``template.render_failed``) for what the
        sandbox refuses."""
        try:
            return self.compiled.render(context, t=lambda key, **params: i18n.t(key, lang, **params))
        except (TemplateError, TypeError, ValueError) as error:  # the sandbox's refusals, an undefined value
            raise UserError("template.render_failed", template=self.name, problem=str(error)[:300]) from None


def template_path(kind: str) -> Path:
    """The file of ``kind``'s template: the organisation's (configuration) or the built-in one."""
    named = ((config.load_config().get("documents") or {}).get("templates") or {}).get(kind)
    return config.configured_file("documents", named) if named else BUILTIN / f"{kind}.html"


def load_template(kind: str, path: Path | None = None) -> Template:
    """Read and check ``kind``'s template (``path``, else :func:`template_path`); raises ``UserError``."""
    path = Path(path) if path is not None else template_path(kind)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError("template.unreadable", template=path.name, problem=type(error).__name__) from None
    return _checked(kind, path.name, text)


@lru_cache(maxsize=32)
def _checked(kind: str, name: str, text: str) -> Template:
    if _IMG.search(text):
        raise UserError("template.unsupported", template=name, what="<img>")
    try:
        tree = _ENV.parse(text)
        compiled = _ENV.from_string(text)
    except TemplateSyntaxError as error:
        raise UserError("template.syntax", template=name, line=error.lineno, problem=error.message or "") from None
    _Walk(name).statements(tree.body, dict(schema_of(kind), **GLOBALS, t=ANY))
    return Template(kind, name, hashlib.sha256(text.encode("utf-8")).hexdigest(), compiled)


class _Walk:
    """Walks a template's syntax tree, knowing the schema of each name in scope."""

    def __init__(self, name: str):
        self.name = name

    def refuse(self, field: str):
        raise UserError("template.unknown_field", template=self.name, field=field)

    def statements(self, body, scope: dict) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node, scope: dict) -> None:
        if isinstance(node, (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            raise UserError("template.unsupported", template=self.name, what=type(node).__name__.lower())
        if isinstance(node, nodes.For):
            iterated = self.expression(node.iter, scope)
            inner = dict(scope, loop=ANY)
            self.bind(node.target, iterated[0] if isinstance(iterated, list) else ANY, inner)
            if node.test is not None:
                self.expression(node.test, inner)
            self.statements(node.body, inner)
            self.statements(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.expression(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            self.statements(node.body, scope)
            self.bind(node.target, ANY, scope)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            if isinstance(node, nodes.Macro):
                scope[node.name] = ANY  # callable after its definition
            else:
                self.expression(node.call, scope)
            for default in node.defaults:
                self.expression(default, scope)
            inner = dict(scope, caller=ANY, varargs=ANY, kwargs=ANY, **{a.name: ANY for a in node.args})
            self.statements(node.body, inner)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.bind(target, self.expression(value, scope), inner)
            self.statements(node.body, inner)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Stmt):
                    self.statement(child, scope)
                else:
                    self.expression(child, scope)

    def bind(self, target, schema, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = schema
        else:  # a tuple of names: what each gets is not known
            for name in target.find_all(nodes.Name):
                scope[name.name] = ANY

    def expression(self, node, scope: dict):
        """The schema of ``node``'s value, having checked every field it reads."""
        if isinstance(node, nodes.Name):
            if node.name not in scope:
                self.refuse(node.name)
            return scope[node.name]
        if isinstance(node, nodes.Getattr):
            return self.field(self.expression(node.node, scope), node.attr, node.node)
        if isinstance(node, nodes.Getitem):
            base = self.expression(node.node, scope)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.field(base, node.arg.value, node.node)
            self.expression(node.arg, scope)
            return base[0] if isinstance(base, list) else ANY
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "t":
            key = node.args[0] if node.args else None
            if not (isinstance(key, nodes.Const) and isinstance(key.value, str) and key.value in i18n.catalogue()):
                raise UserError("template.unknown_text", template=self.name,
                                text=key.value if isinstance(key, nodes.Const) else "…")
            for child in list(node.args[1:]) + [k.value for k in node.kwargs]:
                self.expression(child, scope)
            return ANY
        if isinstance(node, nodes.Filter):
            base = self.expression(node.node, scope) if node.node is not None else ANY
            for child in list(node.args) + [k.value for k in node.kwargs]:
                self.expression(child, scope)
            return base if node.name in LIST_FILTERS and isinstance(base, list) else ANY
        for child in node.iter_child_nodes():
            self.expression(child, scope)
        return ANY

    def field(self, schema, name: str, of) -> object:
        """The schema of field ``name`` of a value whose schema is ``schema``; refuses an unknown one, and any
        name starting with an underscore (a Python internal, which the sandbox refuses anyway)."""
        if name.startswith("_"):
            self.refuse(f"{_path(of)}.{name}")
        if schema is ANY:
            return ANY
        if not isinstance(schema, dict) or name not in schema:
            self.refuse(f"{_path(of)}.{name}")
        return schema[name]


def _path(node) -> str:
    """How a template spells the expression whose field is read (for the message)."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_path(node.node)}[…]"
    return "…"
