"""A generated fuzz test of every form of every route, as each role (issue 16's quality bar).

1. The walk. For each role, a logged-in client starts from the home page and follows the same-site GET
   links breadth-first (never logout, a download or a static file; at most two pages of one route
   shape, a bounded number in all), collecting every POST form: its action, its fields, their current
   values, a select's options. The walk itself must change nothing (GET is safe).
2. The fuzz. Hypothesis draws, for each form, a body in which one field (or, one time in two, many
   fields) takes a hostile value, the others keep the page's: huge and negative numbers, decimals with
   commas and dots, far and impossible dates, control and bidi characters, NUL, 1 MB strings, invalid
   UTF-8 (raw bytes in a hand-written urlencoded or multipart body), wrong types (a list for a scalar,
   a missing field, a word in a number field, a select value not offered). The CSRF token is the
   page's, so every request reaches its view. The forms take turns, a few examples each per round,
   until the budget (`NTM_FUZZ_SECONDS`, 60 s by default, `make fuzz` gives 600 s) is spent.
3. The checks. Every request answers below 500 (a redirect is followed and must render too). After
   every request, no stored value is outside its range: numbers below 10^15 in absolute value, dates
   between 2000 and 2100, a String(n) within n characters, no NUL in any text. At the end: nothing
   half-saved (no dangling foreign key, the audit chain verifies), and every page walked still renders
   for every role with whatever the fuzz stored.

Each failure names the role, the route, the field and the value; the counts of requests per role and
form are printed (run with -s).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote_from_bytes, urlsplit

from hypothesis import HealthCheck, Phase, example, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, DateTime, Integer, Numeric, String, cast, func, literal, or_, select, text
from sqlalchemy.types import Date, LargeBinary

from ntm_intranet import models  # noqa: F401  (every table in db.metadata)
from ntm_intranet.audit import AuditEvent, verify_chain
from ntm_intranet.auth.models import User
from ntm_intranet.demo.world import reporter_username
from ntm_intranet.extensions import db
from ntm_intranet.org.models import Unit
from ntm_intranet.reports.models import Submission

from ..conftest import BALLOT_PASSPHRASE
from ..html_forms import Form, forms_of, links_of
from .test_uploads import pdf_bytes

BUDGET_SECONDS = float(os.environ.get("NTM_FUZZ_SECONDS") or 60)
PAGES_PER_ROLE = int(os.environ.get("NTM_FUZZ_PAGES") or 60)
SAME_SHAPE_PAGES = 2  # pages of one route shape walked (/units/1, /units/2; not every unit)
SAME_SHAPE_FORMS = 2  # forms of one action shape and field set fuzzed
EXAMPLES_PER_TURN = 3

# The roles, the administrator last: the fuzz of its account forms may lock others out, which is fine
# once every client is logged in and has walked.
ROLES = ("bc-19567", "thanhvien1", "chutich", "noivu", "tckh", "nnptnt", "admin")

LIMIT = 10**15
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)

_SKIP = re.compile(r"^/(logout|static/|files/|nominations/files/)|\.(docx|xlsx|pdf|csv|zip|odt)$")

# =====================================================================================================
# Hostile values
# =====================================================================================================

NUMBERS = ["10000000000000000000", str(10**15), str(10**15 - 1), "-1", "-0", "0", str(2**63), str(2**63 - 1),
           str(-(2**63) - 1), str(2**64), "1" + "0" * 400, "1e308", "1e-400", "NaN", "Infinity", "-inf",
           "0x10", "١٢٣", "１２３", " 12 ", "+5", "--5", "9" * 30]
DECIMALS = ["1.000.000,5", "1,5", "1.5", "1,000,000.25", "1 000 000", "0,0000000001", "99999999999999999999,99",
            "-0,5", ",", ".", "1..2", "1,,2", "1e5", "12.345.678.901.234.567"]
DATES = ["01/01/0001", "31/12/9999", "2015-02-30", "30/02/2015", "0001-01-01", "9999-12-31", "00/00/0000",
         "1/1/1", "32/13/2015", "27/06/20155", "-1/06/2015", "27/06/-2015", "31/12/1999", "01/01/2101",
         "29/02/2016", "29/02/2015", "27/06/2015", "2015-06-27T25:61", "25:61", "24:00", "-01:00"]
WORDS = ["", " ", "abc", "null", "None", "true", "[]", "{}", "<script>alert(1)</script>", "' OR 1=1 --",
         "../../etc/passwd", "%s%n", "{{7*7}}", "=1+1"]
CONTROL = ("\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x7f\u0085\u00a0\u200b\u200c\u200d\u200e\u200f\u2028\u2029"
           "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\ufffe\uffff")
ALPHABET = CONTROL + "aAzđĐệỆươ0123456789,./-: <>\"'&;%"
BAD_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"abc\x80", b"\xe1\xbb", b"\xf4\x90\x80\x80", b"\xc0\xaf",
            b"12\xff34", b"\x00\xff"]
# Out of range but well formed, so that the form may take them and the database is what stops them.
PLAUSIBLE = ["9.223.372.036.854.775.808", "9223372036854775808", "1.000.000.000.000.000", "1000000000000000",
             "999.999.999.999.999", "100.000.000.000.000.000.000", "-1", "-1.000", "01/01/0001", "31/12/9999",
             "01/01/1900", "31/12/2200", "0001-01-01", "9999-12-31", "x" * 201, "x" * 2001]
MEGABYTE = 1_000_000
BIG = ["a" * MEGABYTE, "9" * MEGABYTE, ("ệ\u202e" * (MEGABYTE // 5)), "x" * 100_000, "Đ" * 5_000]
FILE_NAMES = [b"bao-cao.pdf", b"bao-cao.pdf", b"bao-cao.pdf", b"C:\\Users\\x\\bao-cao.pdf", "\u202efdp.exe".encode(),
              b"\xff\xfe.pdf", b"a\x00b.pdf", b"x" * 300 + b".pdf"]


PDF = pdf_bytes("Bien ban hop")


def _date_text(d: date) -> str:
    return f"{d.day:02}/{d.month:02}/{d.year:04}"


SCALARS = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(DECIMALS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(DATES),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(_date_text),
    st.sampled_from(WORDS),
    st.text(alphabet=st.sampled_from(ALPHABET), max_size=40),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.sampled_from(BIG),
    st.sampled_from(BAD_UTF8),
)

KEEP = object()


@st.composite
def field_values(draw, form: Form, name: str, current: list[str]) -> list:
    """The values sent for one field: hostile scalars, or a wrong shape (a list, nothing)."""
    offered = form.options.get(name) or []
    shape = draw(st.sampled_from(["plausible", "plausible", "scalar", "scalar", "option", "list", "missing"]))
    if shape == "plausible":
        return [draw(st.sampled_from(PLAUSIBLE))]
    if shape == "option" and offered:
        return [draw(st.sampled_from(offered + ["999999999", "-1", "x", ""]))]
    if shape == "list":
        return (current or [""]) + draw(st.lists(SCALARS, min_size=1, max_size=2))
    if shape == "missing":
        return []
    return [draw(SCALARS)]


@dataclass(frozen=True)
class Body:
    """One request's fields in order (a value is text or raw bytes), the fields made hostile, the files."""

    pairs: tuple
    hostile: tuple = ()
    files: tuple = ()

    def describe(self) -> str:
        parts = []
        for name, value in self.pairs:
            if name in self.hostile:
                shown = value if len(value) <= 60 else value[:40] + (b"..." if isinstance(value, bytes) else "...")
                parts.append(f"{name}={shown!r}" + (f" ({len(value)} long)" if len(value) > 60 else ""))
        missing = [n for n in self.hostile if n not in {p[0] for p in self.pairs}]
        parts += [f"{n} missing" for n in missing]
        parts += [f"file {n} named {fn!r}" for n, fn, _ in self.files]
        return ", ".join(parts) or "the page's own values"


_DATE_NAME = re.compile(r"(date|_on|_by|period_start|period_end|_from|_until)$")
_NUMBER_NAME = re.compile(r"(money|amount|price|quantity|count|days|m2|trees|minutes|percent|quota|order|_x|_y|"
                          r"points|weight|numerator|denominator|number)")


def filler(name: str, kind: str) -> str:
    """A valid value for a blank field (a new record's form), so that one hostile field is all that is wrong."""
    if kind == "date" or _DATE_NAME.search(name):
        return "31/12/2015" if name.endswith(("period_end", "_until")) else "27/06/2015"
    if kind == "time" or name.endswith("_at"):
        return "08:00"
    if "passphrase" in name:
        return BALLOT_PASSPHRASE
    if kind == "email" or name == "email":
        return "fuzz@example.org"
    if kind == "number" or _NUMBER_NAME.search(name):
        return "1"
    return "Fuzz"


def current_values(form: Form) -> dict[str, list[str]]:
    """The page's values, a blank text field filled with a valid value."""
    values: dict[str, list[str]] = {}
    for name, kind in form.kinds.items():  # a radio group nobody checked yet: its first choice
        if kind == "radio" and name not in {n for n, _ in form.fields} and form.options.get(name):
            values[name] = [form.options[name][0]]
    for name, value in form.fields:
        kind = form.kinds.get(name, "text")
        fillable = kind in ("text", "textarea", "number", "date", "email", "time", "tel") or "passphrase" in name
        if not value.strip() and fillable and \
                name not in ("version", "next", "back") and "password" not in name:
            value = filler(name, kind)
        values.setdefault(name, []).append(value)
    return values


def fuzzable(form: Form) -> list[str]:
    return [name for name in sorted(form.names) if name != "csrf_token" and name not in form.files]


@st.composite
def bodies(draw, form: Form, token: str) -> Body:
    current = current_values(form)
    names = fuzzable(form)
    focus = draw(st.sampled_from(names)) if names else None
    wild = draw(st.booleans())
    pairs: list = [("csrf_token", token)]
    hostile = []
    for name in names:
        if name == focus or (wild and draw(st.booleans())):
            values = draw(field_values(form, name, current.get(name, [])))
            hostile.append(name)
        else:
            values = current.get(name, [])
        pairs += [(name, value) for value in values]
    if draw(st.integers(0, 9)) == 0:
        pairs.append((draw(st.sampled_from(["id", "version", "status", "unit_id", "role", "is_admin"])),
                      draw(SCALARS)))
        hostile.append(pairs[-1][0])
    files = tuple((name, draw(st.sampled_from(FILE_NAMES)), PDF)
                  for name in sorted(form.files) if draw(st.integers(0, 3)))
    return Body(tuple(pairs), tuple(hostile), files)


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


BOUNDARY = "----ntm-fuzz-7d1f3c"


def encode(body: Body, multipart: bool) -> tuple[bytes, str]:
    """The body written by hand, so that raw bytes (invalid UTF-8) reach the server as they are."""
    if not multipart:
        data = "&".join(f"{quote_from_bytes(_bytes(n))}={quote_from_bytes(_bytes(v))}" for n, v in body.pairs)
        return data.encode("ascii"), "application/x-www-form-urlencoded"
    out = bytearray()
    for name, value in body.pairs:
        out += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += _bytes(value) + b"\r\n"
    for name, filename, content in body.files:
        out += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="'.encode()
                + filename + b'"\r\nContent-Type: application/pdf\r\n\r\n' + content + b"\r\n")
    out += f"--{BOUNDARY}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={BOUNDARY}"


# =====================================================================================================
# Inputs found once, kept for ever: {action shape: [the fields changed from the page's values]}. Each runs
# first whenever a form of that shape is fuzzed, as one of Hypothesis' @example.
# =====================================================================================================

REGRESSIONS: dict[str, list[dict]] = {
    # The code of another award form of the campaign: IntegrityError on (campaign_id, code), a 500.
    "/board-config/forms/<id>": [{"code": "BK_TTG"}],
    "/board-config/forms/new": [{"code": "BK_TTG"}],
}


def probes(form: Form) -> list[dict]:
    """On the first turn, every field that looks like a date or a number gets the farthest well-formed value
    once, by itself: the cheapest way to find what the form takes and the database should not."""
    found: list[dict] = [{}]  # first the page's own values: it moves the story on (a session opens...)
    for name in fuzzable(form):
        kind = form.kinds.get(name, "text")
        if kind in ("hidden", "select", "radio", "checkbox") or name in ("version", "next", "back"):
            continue
        sample = filler(name, kind)
        if sample == "27/06/2015" or sample == "31/12/2015":
            found += [{name: "01/01/0001"}, {name: "31/12/9999"}]
        elif sample == "1":
            found += [{name: "1000000000000000"}, {name: "9223372036854775808"}]
    return found


def regression_body(form: Form, token: str, changes: dict) -> Body:
    current = current_values(form)
    pairs = [("csrf_token", token)]
    for name in fuzzable(form):
        values = [changes[name]] if name in changes else current.get(name, [])
        pairs += [(name, value) for value in values]
    return Body(tuple(pairs), tuple(changes))


# =====================================================================================================
# The walk
# =====================================================================================================


def shape(path: str) -> str:
    return re.sub(r"/\d+(?=/|$|\.)", "/<id>", urlsplit(path).path)


def same_site(href: str, base: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc != "localhost":
        return None
    if not parts.path and not parts.query:
        return None
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Target:
    role: str
    client: object
    page: str
    form: Form
    token: str

    @property
    def name(self) -> str:
        return f"{self.role} {shape(self.form.action)} [{', '.join(fuzzable(self.form))}]"


@dataclass
class Findings:
    errors: list[str] = field(default_factory=list)
    out_of_range: dict[str, str] = field(default_factory=dict)
    requests: Counter = field(default_factory=Counter)
    exceptions: list[str] = field(default_factory=list)
    seen: Counter = field(default_factory=Counter)

    def error(self, kind: str, message: str) -> None:
        """One message per route, fields and exception (the first input that gave it), however often."""
        self.seen[kind] += 1
        if self.seen[kind] == 1:
            self.errors.append(message)


class _Catch(logging.Handler):
    """The app logs an unhandled exception before answering 500: keep its last line for the message."""

    def __init__(self, findings: Findings):
        super().__init__(logging.ERROR)
        self.findings = findings

    def emit(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            self.findings.exceptions.append(f"{type(exc).__name__}: {str(exc)[:200]}")


def _token(html: str) -> str | None:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    return match.group(1) if match else None


def walk(role: str, client, findings: Findings, form_shapes: Counter, label: str = "GET (walk)"
         ) -> tuple[list[str], list[Target]]:
    """The pages a role reaches from home, and the POST forms on them not in `form_shapes` yet (never the
    forms on the role's own account, which could lock it out of the rest of the walk)."""
    own = db.session.execute(select(User.id).filter_by(username=role)).scalar_one()
    own_account = re.compile(rf"^/admin/users/{own}/")
    pages: list[str] = []
    targets: list[Target] = []
    seen: set[str] = set()
    per_shape: Counter = Counter()
    queue = deque(["/"])
    while queue and len(pages) < PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen or per_shape[shape(url)] >= SAME_SHAPE_PAGES:
            continue
        seen.add(url)
        per_shape[shape(url)] += 1
        before = len(findings.exceptions)
        response = client.get(url, follow_redirects=True)
        findings.requests[(role, label)] += 1
        if response.status_code >= 500:
            cause = (findings.exceptions[before:] or ["no exception logged"])[-1].splitlines()[0]
            findings.error(f"GET {shape(url)} {cause}", f"{role}: {label}: {url} answered "
                                                         f"{response.status_code}: {cause}")
            continue
        if response.status_code >= 400 or not response.mimetype.startswith("text/html"):
            continue
        final = response.request.path
        pages.append(url)
        html = response.get_data(as_text=True)
        token = _token(html)
        for form in forms_of(html):
            form.action = same_site(form.action, final) or final if form.action else final
            key = (shape(form.action), tuple(fuzzable(form)))
            skipped = form.method != "post" or _SKIP.search(urlsplit(form.action).path) or \
                own_account.search(form.action)
            if skipped or form_shapes[key] >= SAME_SHAPE_FORMS or (key, form.action) in form_shapes:
                continue
            form_shapes[key] += 1
            form_shapes[(key, form.action)] += 1
            form_token = dict(form.fields).get("csrf_token") or token
            targets.append(Target(role, client, final, form, form_token))
        for href in links_of(html):
            link = same_site(href, final)
            if link and link not in seen and not _SKIP.search(urlsplit(link).path):
                queue.append(link)
    return pages, targets


# =====================================================================================================
# What is stored
# =====================================================================================================


def _range_conditions(column):
    kind = column.type
    if isinstance(kind, (Integer, Numeric)):
        # Bound as BIGINT: PostgreSQL would bind 10^15 as the column's INTEGER and fail.
        return [or_(column >= literal(LIMIT, BigInteger()), column <= literal(-LIMIT, BigInteger()))]
    if isinstance(kind, DateTime):
        return [or_(column < datetime(2000, 1, 1), column >= datetime(2101, 1, 1))]
    if isinstance(kind, Date):
        return [or_(column < FIRST_DAY, column > LAST_DAY)]
    if isinstance(kind, String):
        conditions = []
        if kind.length:
            conditions.append(func.length(column) > kind.length)
        if db.engine.dialect.name == "sqlite":
            conditions.append(func.instr(cast(column, LargeBinary), b"\x00") > 0)
        return conditions
    return []


def stored_out_of_range() -> dict[str, str]:
    """Every stored value outside its column's range: {"table.column #pk": "the value"}."""
    found: dict[str, str] = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            key = list(table.primary_key.columns)
            for column in table.columns:
                conditions = _range_conditions(column)
                if not conditions:
                    continue
                rows = conn.execute(select(*key, column).where(or_(*conditions)).limit(3)).all()
                for row in rows:
                    value = repr(row[-1])
                    found[f"{table.name}.{column.name} #{'/'.join(map(str, row[:-1]))}"] = (
                        value if len(value) <= 80 else f"{value[:60]}... ({len(row[-1])} long)")
    return found


def dangling_foreign_keys() -> list:
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            return conn.execute(text("PRAGMA foreign_key_check")).all()
        dangling = []
        q = db.engine.dialect.identifier_preparer
        for table in db.metadata.sorted_tables:
            for fk in table.foreign_key_constraints:
                local = [c.name for c in fk.columns]
                pairs = " AND ".join(f"r.{q.quote(el.column.name)} = t.{q.quote(el.parent.name)}"
                                     for el in fk.elements)
                not_null = " AND ".join(f"t.{q.quote(c)} IS NOT NULL" for c in local)
                sql = (f"SELECT count(*) FROM {q.format_table(table)} t WHERE {not_null} AND NOT EXISTS "  # noqa: S608
                       f"(SELECT 1 FROM {q.format_table(fk.referred_table)} r WHERE {pairs})")
                if conn.execute(text(sql)).scalar():
                    dangling.append((table.name, fk.name, local))
        return dangling


# =====================================================================================================
# The test
# =====================================================================================================


def open_dossier_reporters() -> list[str]:
    """The reporters of a commune whose dossier is a draft and of one that has none: their forms are open."""
    draft = db.session.execute(select(Unit.code).join(Submission, Submission.unit_id == Unit.id)
                               .filter(Submission.status == "draft").order_by(Unit.code)).scalars().first()
    none = db.session.execute(select(Unit.code).outerjoin(Submission, Submission.unit_id == Unit.id)
                              .filter(Submission.id.is_(None), Unit.kind == "commune").order_by(Unit.code)) \
        .scalars().first()
    return [reporter_username(code) for code in (draft, none) if code]


class Fuzzer:
    def __init__(self, app, findings: Findings):
        self.app = app
        self.findings = findings
        self.known_out_of_range = stored_out_of_range()
        # The scan takes 70 ms: it runs only after a request that wrote. On SQLite, a connection of its own
        # tells when another one has committed (PRAGMA data_version).
        # On PostgreSQL, the WAL's insert position moves with any write (of any database on the server:
        # then the scan runs for nothing, but never misses one).
        self.watch = db.engine.raw_connection()
        self.version = self.data_version()

    def data_version(self):
        sql = ("PRAGMA data_version" if db.engine.dialect.name == "sqlite"
               else "SELECT pg_current_wal_insert_lsn()::text")
        cursor = self.watch.cursor()
        try:
            row = cursor.execute(sql).fetchone()[0]
            if db.engine.dialect.name != "sqlite":
                self.watch.commit()  # a fresh snapshot next time
            return row
        finally:
            cursor.close()

    def close(self) -> None:
        self.watch.close()

    def send(self, target: Target, body: Body) -> None:
        multipart = target.form.enctype.startswith("multipart") or bool(target.form.files)
        data, content_type = encode(body, multipart)
        before = len(self.findings.exceptions)
        response = target.client.post(target.form.action, data=data, content_type=content_type,
                                      headers={"Referer": f"http://localhost{target.page}"})
        self.findings.requests[(target.role, shape(target.form.action))] += 1
        where = f"{target.role}: POST {target.form.action} with {body.describe()}"
        if response.status_code in (301, 302, 303) and response.status_code < 500:
            location = response.headers["Location"]
            response = target.client.get(location)
            self.findings.requests[(target.role, shape(target.form.action))] += 1
            where += f", then GET {location}"
        db.session.remove()
        if response.status_code >= 500:
            cause = (self.findings.exceptions[before:] or ["no exception logged"])[-1]
            self.findings.error(f"{shape(target.form.action)} {body.hostile} {cause.splitlines()[0]}",
                                f"{where} answered {response.status_code}: {cause.splitlines()[0]}")
        version = self.data_version()
        if version == self.version:
            return
        self.version = version
        for key, value in stored_out_of_range().items():
            if key not in self.known_out_of_range:
                self.known_out_of_range[key] = value
                self.findings.out_of_range[key] = f"{value} <- {target.role}: POST {target.form.action} " \
                                                  f"with {body.describe()}"

    def fuzz(self, target: Target, turn: int) -> None:
        @settings(max_examples=EXAMPLES_PER_TURN, deadline=None, database=None,
                  phases=(Phase.explicit, Phase.generate) if turn == 0 else (Phase.generate,),
                  suppress_health_check=list(HealthCheck))
        @seed(turn)
        @given(body=bodies(target.form, target.token))
        def one(body):
            self.send(target, body)

        for changes in REGRESSIONS.get(shape(target.form.action), []) + (probes(target.form) if turn == 0 else []):
            one = example(body=regression_body(target.form, target.token, changes))(one)
        one()


def test_fuzz_every_form_as_every_role(demo_reports, as_user, capsys):
    started = time.monotonic()
    findings = Findings()
    fuzzer = None
    catcher = _Catch(findings)
    demo_reports.logger.addHandler(catcher)
    try:
        baseline = stored_out_of_range()
        roles = list(ROLES[:1]) + open_dossier_reporters() + list(ROLES[1:])
        clients = {role: as_user(role) for role in roles}  # logging in is audited; walking must not be
        events = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        walked: dict[str, tuple] = {}
        targets: list[Target] = []
        form_shapes = {role: Counter() for role in roles}
        for role, client in clients.items():
            pages, found = walk(role, client, findings, form_shapes[role])
            walked[role] = (client, pages)
            targets += found
        assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == events, \
            "a GET page changed something (it wrote to the audit log)"
        walk_seconds = time.monotonic() - started

        fuzzer = Fuzzer(demo_reports, findings)
        fuzz_until = started + BUDGET_SECONDS * 0.8
        turn = 0
        fresh = targets
        while time.monotonic() < fuzz_until or turn == 0:
            for target in targets:
                if turn and time.monotonic() >= fuzz_until:
                    break
                fuzzer.fuzz(target, 0 if target in fresh else turn)
            turn += 1
            # Walk again: every page must render with what the fuzz stored, and the fuzz may have opened
            # new forms (a session opened shows the ballot, an estimate submitted its approval).
            fresh = []
            for role, (client, _) in walked.items():
                fresh += walk(role, client, findings, form_shapes[role], "GET (walk again)")[1]
            targets += fresh
    finally:
        demo_reports.logger.removeHandler(catcher)
        if fuzzer is not None:
            fuzzer.close()

    with capsys.disabled():
        total = sum(findings.requests.values())
        print(f"\nFuzz: {len(targets)} forms, {turn} turns, {total} requests in "
              f"{time.monotonic() - started:.0f} s (walk {walk_seconds:.0f} s, budget {BUDGET_SECONDS:.0f} s)")
        if os.environ.get("NTM_FUZZ_VERBOSE"):
            for target in targets:
                print(f"  form: {target.name}")
        for role in roles:
            counts = {k[1]: v for k, v in findings.requests.items() if k[0] == role}
            print(f"  {role}: {sum(counts.values())} requests, {len(walked[role][1])} pages")
            for form_shape, count in sorted(counts.items()):
                print(f"    {count:6}  {form_shape}")
        for error in findings.errors:
            print(f"  5xx: {error.splitlines()[0]}")
        for key, value in findings.out_of_range.items():
            print(f"  out of range: {key} = {value}")

    assert not baseline, f"the demo itself stores values out of range: {baseline}"
    assert not findings.errors and not findings.out_of_range, (
        "5xx answers (fix the view; a range belongs in the form and the database):\n"
        + "\n".join(findings.errors[:60])
        + "\nstored out of range (the form should refuse it, the database hold it):\n"
        + "\n".join(f"{k}: {v}" for k, v in findings.out_of_range.items()))
    assert not dangling_foreign_keys(), f"half-saved: dangling foreign keys {dangling_foreign_keys()}"
    chain = verify_chain()
    assert not chain.problems, f"the audit chain is broken: {chain.problems[:5]}"
    assert len(targets) >= 20 and total >= 200, "the walk found too few forms, or the fuzz sent too little"


@contextmanager
def _range_checks_set_aside(columns):
    """Let rows break the database's range checks for a moment, to plant what the scan must find: SQLite's
    ignore_check_constraints on this session's connection; on PostgreSQL the checks are dropped and put
    back NOT VALID (enforced for new rows, the planted ones left for the scan and the teardown)."""
    from ntm_intranet.extensions import db as database
    from ntm_intranet.ranges import condition, constraint_name

    if database.engine.dialect.name == "sqlite":
        database.session.execute(text("PRAGMA ignore_check_constraints=ON"))
        try:
            yield
        finally:
            database.session.execute(text("PRAGMA ignore_check_constraints=OFF"))
        return
    for table, column in columns:
        database.session.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT {constraint_name(table, column)}'))
    database.session.commit()
    try:
        yield
    finally:
        database.session.rollback()
        for table, column in columns:
            rule = condition(column, database.metadata.tables[table].c[column].type)
            database.session.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT '
                                          f"{constraint_name(table, column)} CHECK ({rule}) NOT VALID"))
        database.session.commit()


def test_the_checks_see_what_they_must(app):
    """The range scan and the foreign key check are not blind: each finds a value put there on purpose
    (on PostgreSQL, only what it can store: no NUL, no text over its length)."""
    from sqlalchemy import update

    from ntm_intranet.campaigns.models import Campaign
    from ntm_intranet.nominations.models import Nomination

    from .. import factories

    nomination = factories.nomination()
    assert stored_out_of_range() == {}
    # The database's own range checks (ranges.py) would refuse these: they are set aside to plant them.
    with _range_checks_set_aside([("nomination", "money"), ("campaign", "doc_date"), ("unit", "code")]):
        db.session.execute(update(Nomination).where(Nomination.id == nomination.id).values(money=LIMIT))
        db.session.execute(update(Campaign).where(Campaign.id == nomination.campaign_id)
                           .values(doc_date=date(1, 1, 1)))
        db.session.commit()
        wanted = {f"nomination.money #{nomination.id}", f"campaign.doc_date #{nomination.campaign_id}"}
        if db.engine.dialect.name == "sqlite":
            unit = factories.unit(code="X1")
            db.session.execute(update(Unit).where(Unit.id == unit.id).values(name="a\x00b", code="x" * 21))
            db.session.commit()
            wanted |= {f"unit.name #{unit.id}", f"unit.code #{unit.id}"}
    assert set(stored_out_of_range()) == wanted, stored_out_of_range()

    assert not dangling_foreign_keys()
    user_id = factories.user().id
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            conn.execute(text("PRAGMA foreign_keys=OFF"))
        else:
            conn.execute(text('ALTER TABLE "user" DISABLE TRIGGER ALL'))
        conn.execute(text(f'UPDATE "user" SET unit_id = 999999 WHERE id = {user_id}'))  # noqa: S608
        if db.engine.dialect.name != "sqlite":
            conn.execute(text('ALTER TABLE "user" ENABLE TRIGGER ALL'))
    try:
        assert dangling_foreign_keys()
    finally:
        with db.engine.begin() as conn:
            conn.execute(text('UPDATE "user" SET unit_id = NULL WHERE unit_id = 999999'))
