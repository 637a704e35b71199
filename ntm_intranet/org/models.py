from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class UnitKind(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    AGENCY = "agency"
    TOWN = "town"
    COMMUNE = "commune"


# The units with a people's committee of their own, which sign their papers themselves.
COMMUNE_KINDS = (UnitKind.COMMUNE.value, UnitKind.TOWN.value)

UNIT_KIND_LABELS = {
    UnitKind.PROVINCE: _l("Cấp tỉnh"),
    UnitKind.DISTRICT: _l("Cấp huyện (UBND huyện)"),
    UnitKind.AGENCY: _l("Cơ quan, ban ngành, đoàn thể cấp huyện"),
    UnitKind.TOWN: _l("Thị trấn"),
    UnitKind.COMMUNE: _l("Xã"),
}


class Unit(db.Model):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    parent = relationship("Unit", remote_side=[id], lazy="joined", join_depth=1)

    @property
    def kind_label(self) -> str:
        return str(UNIT_KIND_LABELS.get(self.kind, self.kind))

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "kind": self.kind,
                "parent": self.parent.code if self.parent else None, "active": self.active}

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"
