"""The forms of a page as a browser would submit them: action, method and every field's current value
(text, hidden, checked boxes and radios, selected options, textareas). For tests that act on what the
screen shows rather than on hand-written POST bodies."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    enctype: str = "application/x-www-form-urlencoded"
    # What a fuzzer needs to know of each named control: its kind ("text", "number", "date", "select",
    # "textarea", "checkbox", "file"...), a select's or a radio group's offered values, the file inputs.
    kinds: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def data(self, **changes) -> dict:
        """The values as a browser would send them, with some changed; a list for repeated names."""
        values: dict[str, list[str]] = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        out: dict = {name: (vals if len(vals) > 1 else vals[0]) for name, vals in values.items()}
        out.update(changes)
        return out


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower(),
                              enctype=(a.get("enctype") or "application/x-www-form-urlencoded").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            form.names.add(name)
            kind = (a.get("type") or "text").lower()
            form.kinds.setdefault(name, kind)
            if kind == "file":
                form.files.add(name)
            if kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value") or "on")
                if "checked" in a:
                    form.fields.append((name, a.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                form.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            form.names.add(name)
            form.kinds.setdefault(name, "select")
            self._select, self._select_first, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._form is not None:
                self._form.options.setdefault(self._select, []).append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._selected:
                form.fields.append((self._select, value))
                self._selected = True
        elif tag == "textarea" and name:
            form.names.add(name)
            form.kinds.setdefault(name, "textarea")
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            if not self._selected and self._select_first is not None and self._form is not None:
                self._form.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def forms_of(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_to(html: str, action_part: str, having: str | None = None, page: str = "") -> Form:
    """The page's first POST form whose action contains `action_part` (and, if given, a field `having`);
    a form without an action posts to its own page, as a browser does."""
    for form in forms_of(html):
        form.action = form.action or page
        if form.method == "post" and action_part in form.action and (having is None or having in form.names):
            return form
    raise AssertionError(f"no form posting to {action_part!r}" + (f" with {having!r}" if having else ""))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href") and "download" not in a:
            self.links.append(a["href"])


def links_of(html: str) -> list[str]:
    """The page's link targets, in order (not those marked `download`)."""
    parser = _Links()
    parser.feed(html)
    return parser.links
