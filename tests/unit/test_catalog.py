"""The English catalogue covers every string of the interface, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog():
    with open(ROOT / "translations/en/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh)


def test_every_interface_string_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."], check=True, cwd=ROOT, capture_output=True)
    with open(pot, "rb") as fh:
        source_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    catalog = _catalog()

    def translated(msgid):
        message = catalog.get(msgid)
        strings = message.string if message and isinstance(message.string, tuple) else (message and message.string,)
        return all(strings)

    missing = sorted(i for i in source_ids if not translated(i))
    assert not missing, "untranslated (run `make messages` and translate):\n" + "\n".join(missing)


def test_translations_keep_the_placeholders():
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, message.id
