"""Indonesia's provinces and regencies/cities, by their Kemendagri codes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base


class Province(Base):
    """A province (38 since 2022): code `32`, name `Jawa Barat`."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))

    regencies: Mapped[list[Regency]] = relationship(
        back_populates="province", order_by="Regency.code", lazy="raise"
    )


class Regency(Base):
    """A regency (kabupaten) or city (kota): code `32.73`, name `Kota Bandung`."""

    __tablename__ = "regencies"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))

    province: Mapped[Province] = relationship(back_populates="regencies", lazy="raise")


def province_code_of(regency_code: str) -> str:
    """`32.73` -> `32`."""
    return regency_code.split(".", 1)[0]
