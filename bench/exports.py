"""Time and memory of the award-list writers at 500 and 2,000 lines: `make bench-exports`.

Each measurement runs in a fresh process so its peak resident memory (ru_maxrss) is its own: the
growth is measured from after the imports and the data, so what remains is the writer and the
document it builds. Targets of the documents issue for 2,000 candidates: XLSX under 3 s, DOCX under
10 s, PDF under 20 s, with memory that does not grow with the list beyond the document itself (the
XLSX writer streams rows; python-docx and WeasyPrint hold one document tree).
"""

from __future__ import annotations

import json
import subprocess
import sys

TARGETS = {"xlsx": 3.0, "docx": 10.0, "pdf": 20.0}

CHILD = r"""
import json, resource, sys, time
from datetime import date
from ntm_intranet.awards.documents import (AwardListDoc, AwardRow, AwardSection, FormGroup, award_list_docx,
                                           award_list_pdf, award_list_xlsx)
from ntm_intranet.letterhead import House
fmt, n = sys.argv[1], int(sys.argv[2])
DISTRICT = House("Ủy ban nhân dân huyện Đakrông")
GK = "Giấy khen của Chủ tịch UBND huyện"
rows = [AwardRow(i + 1, f"Hộ ông Hồ Văn Thuận {i}", "thôn Ra Lu, xã Đakrông", "hiến 120 m² đất, 30 ngày công", GK,
                 350_000) for i in range(n)]
doc = AwardListDoc(decision_number="215/QĐ-UBND", decision_date=date(2015, 6, 15), approved=True,
                   signer_name="Nguyễn Văn Khánh",
                   sections=[AwardSection("Hộ gia đình", [FormGroup(GK, rows, 350_000 * n)], 350_000 * n)],
                   grand_total=350_000 * n, issuer=DISTRICT.committee(), decided_by=DISTRICT.chairman_name)
writer = {"xlsx": award_list_xlsx, "docx": award_list_docx, "pdf": award_list_pdf}[fmt]
if fmt == "pdf":
    # fonts and stylesheets loaded once, as in a server
    writer(AwardListDoc(sections=[], approved=True, issuer=DISTRICT.committee()))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
data = writer(doc)
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "growth_mb": (after - before) / 1024, "size_mb": len(data) / 2**20}))
"""


def measure(fmt: str, n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, fmt, str(n)], capture_output=True, text=True,  # noqa: S603
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    print("| format | lines | time (s) | target | peak memory growth (MB) | file (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    missed = []
    for fmt in ("xlsx", "docx", "pdf"):
        for n in (500, 2000):
            m = measure(fmt, n)
            target = f"< {TARGETS[fmt]:.0f} s" if n == 2000 else ""
            if n == 2000 and m["seconds"] >= TARGETS[fmt]:
                missed.append(fmt)
            print(f"| {fmt} | {n:,} | {m['seconds']:.2f} | {target} | {m['growth_mb']:.1f} | {m['size_mb']:.2f} |")
    if missed:
        print("MISS: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
