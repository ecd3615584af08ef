"""The Simplified Chinese catalog must translate every message of the code, and the committed
django.mo must match the .po (so `make run` needs no gettext tools).

Runs `makemessages` first (it rewrites locale/zh_Hans/…/django.po in place: run it on a clean
clone, as CI does, or commit what it changes)."""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
committed_mo = polib.mofile(str(PO.with_suffix(".mo")))

subprocess.run(
    [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location",
     "--ignore=.venv", "--ignore=bench", "--ignore=tests", "--ignore=.ci"],
    cwd=ROOT, check=True, capture_output=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "jingzhidai.settings.test"},
)
current = polib.pofile(str(PO))
missing = [e.msgid for e in current if not e.translated()]
if missing:
    print(f"{len(missing)} messages lack a Simplified Chinese translation (run `make messages`, then translate):")
    for m in missing[:80]:
        print("  -", m)
    sys.exit(1)
compiled = {(e.msgctxt, e.msgid): e.msgstr for e in committed_mo}
stale = [e.msgid for e in current if not e.msgid_plural and compiled.get((e.msgctxt, e.msgid)) != e.msgstr]
if stale:
    print(f"{len(stale)} messages are not compiled into the committed django.mo (run `make messages`):")
    for m in stale[:20]:
        print("  -", m)
    sys.exit(1)
print(f"zh_Hans: {len(current)} messages, all translated and compiled.")
