"""Automatic checks on a nomination, shown to the secretary when screening (plain functions)."""

from __future__ import annotations


def checks(kind: str, form_kinds: list[str], money: int, min_household: int | None, summary: str,
           file_kinds: set[str]) -> list[str]:
    """Problems a screener should look at; an empty list means nothing caught the eye."""
    problems = []
    if kind not in form_kinds:
        problems.append("Hình thức khen thưởng này không áp dụng cho loại đối tượng được đề nghị.")
    if kind == "household" and min_household and money < min_household:
        problems.append(f"Đóng góp của hộ ({money:,} đồng) thấp hơn mức tối thiểu của hình thức này "
                        f"({min_household:,} đồng).".replace(",", "."))
    if not summary.strip():
        problems.append("Chưa có tóm tắt thành tích.")
    if "to_trinh" not in file_kinds:
        problems.append("Hồ sơ thiếu tờ trình.")
    if "thanh_tich" not in file_kinds:
        problems.append("Hồ sơ thiếu báo cáo thành tích.")
    return problems
