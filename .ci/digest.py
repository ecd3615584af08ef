"""Print a JSON digest of the portal's data and files under the current settings: the row count
of every model, the applications, the evidence rows, and every stored file with its SHA-256.
The restore drill (.ci/production.sh) compares the digest of the original with the restored copy.
Exits non-zero when a row refers to a file that is not in the store or whose content differs."""

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402

from applications.models import Application, Evidence  # noqa: E402
from jingzhidai.backup import storage_names  # noqa: E402


def sha256(name):
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


files = {name: sha256(name) for name in storage_names(default_storage)}
evidence = list(Evidence.objects.order_by("pk").values_list("pk", "application_id", "file", "sha256"))
missing = [(pk, name) for pk, _, name, digest in evidence if files.get(name) != digest]
if missing:
    sys.exit(f"evidence rows whose file is missing or differs in the store: {missing[:5]}")
print(json.dumps({
    "counts": {model._meta.label: model._default_manager.count() for model in apps.get_models()},
    "applications": list(Application.objects.order_by("pk").values_list(
        "pk", "status", "enterprise__uscc", "product_id", "amount", "term_months", "submitted_at")),
    "evidence": evidence,
    "files": files,
}, default=str, ensure_ascii=False, indent=1, sort_keys=True))
