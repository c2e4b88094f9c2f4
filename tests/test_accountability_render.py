"""Every kind of generated Word document printed by LibreOffice: A4, the decree's margins, the
Vietnamese letters of the Quốc hiệu on the page, and a page image made with pdftoppm.

LibreOffice is large: without `soffice` these tests skip, unless FIELDOPS_DOCS_REQUIRED=1 (CI),
where they fail instead. Install: `apt-get install -y libreoffice-writer-nogui`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.test_accountability_ceremony import admin, ceremony  # noqa: F401 - fixtures
from tests.test_accountability_documents import hung_ha  # noqa: F401 - fixture

DPI = 72  # one pixel per point: A4 is 595 x 842


@pytest.fixture
def soffice() -> str:
    """Return the LibreOffice command, or skip (fail with FIELDOPS_DOCS_REQUIRED=1)."""
    found = shutil.which("soffice")
    if found and shutil.which("pdftoppm"):
        return found
    if os.environ.get("FIELDOPS_DOCS_REQUIRED") == "1":
        pytest.fail("FIELDOPS_DOCS_REQUIRED=1 but soffice or pdftoppm is missing", pytrace=False)
    pytest.skip("LibreOffice (soffice) is not installed")


def printed(soffice: str, body: bytes, tmp_path: Path, name: str) -> tuple[str, str, Path]:
    """Convert a .docx to PDF; return its text, its pdfinfo and the first page as PNG."""
    source = tmp_path / f"{name}.docx"
    source.write_bytes(body)
    # A profile of its own: two LibreOffice runs sharing one would wait on each other's lock.
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / f"{name}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / name)], check=True)
    return text, info, next(tmp_path.glob(f"{name}-*1.png"))


def ink_box(png: Path) -> tuple[int, int, int, int]:
    """Return the box (left, top, right, bottom) of what is printed on a page image."""
    page = Image.open(png).convert("L").point(lambda v: 255 if v < 200 else 0)
    box = page.getbbox()
    assert box is not None, "blank page"
    return box


def assert_a4_with_margins(info: str, png: Path) -> None:
    """The page is A4 portrait, and nothing is printed inside the decree's margins."""
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    left, top, right, _bottom = ink_box(png)
    mm = DPI / 25.4
    # Table cells stand a little into the margin (their padding): 2 mm of slack.
    assert 28 * mm <= left <= 40 * mm
    assert right <= (210 - 13) * mm
    assert top >= 18 * mm


def test_phase_review_prints_on_a4_with_the_letterhead(soffice, hung_ha, admin,  # noqa: F811
                                                       tmp_path):
    campaign_id, phases = hung_ha
    body = admin.get(f"/campaigns/{campaign_id}/review?scope={phases[0]}&format=docx"
                     f"&day=15/07/2023").data
    text, info, png = printed(soffice, body, tmp_path, "so-ket")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Hưng Hà, ngày 15 tháng 7 năm 2023" in text
    assert "TỔ CÔNG TÁC ĐỀ ÁN 06" in text  # the column wraps the rest
    assert "Văn Lang" in text and "Tổng cộng" in text  # the last of the 35 and the total
    assert "Nơi nhận:" in text and "TỔ TRƯỞNG" in text
    assert_a4_with_margins(info, png)
    # The Quốc hiệu sits right of the issuing body on one line of print.
    first = next(line for line in text.splitlines() if "CỘNG HÒA" in line)
    assert first.index("CỘNG HÒA") > 20


def test_invitations_print_one_letter_per_page(soffice, ceremony, admin,  # noqa: F811
                                               tmp_path):
    event_id, groups = ceremony
    body = admin.get(f"/events/{event_id}/documents?kind=invitations").data
    text, info, png = printed(soffice, body, tmp_path, "giay-moi")
    pages = text.split("\f")
    letters = [p for p in pages if "GIẤY MỜI" in p]
    assert len(letters) == len(groups)
    for page, (_id, name, _expected) in zip(letters, groups, strict=True):
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
        assert " ".join(name.split()[:3]) in " ".join(page.split())
    assert_a4_with_margins(info, png)


def test_sign_in_sheet_prints_its_rows_over_pages(soffice, ceremony, admin,  # noqa: F811
                                                  tmp_path):
    event_id, groups = ceremony
    group_id = next(g[0] for g in groups if g[2] == 60)
    body = admin.get(f"/events/{event_id}/documents?kind=signin&group={group_id}").data
    text, info, png = printed(soffice, body, tmp_path, "ky-danh")
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    # The header row is printed again at the top of the next page.
    assert all("Họ và tên" in page and "Ký tên" in page for page in pages)
    # The empty rows print their number alone on the line: all 66, in order. From page 2 on,
    # the page's own number comes first.
    numbers = []
    for index, page in enumerate(pages):
        alone = [line.strip() for line in page.splitlines() if line.strip().isdigit()]
        numbers += alone[1:] if index else alone
        if index:
            assert alone[0] == str(index + 1)
    assert numbers == [str(n) for n in range(1, 67)]
    assert_a4_with_margins(info, png)
