"""What a registry row says, and how the IRS writes it.

The IRS publishes every tax-exempt organization as the Exempt Organizations Business Master File
extract: regional CSV files with the header below. Other registries (the Charity Commission for
England and Wales, Canada's charities listing) are imported with a column mapping; they give a
name, a number, and where the charity is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

IRS = "irs"

IRS_COLUMNS = (
    "EIN",
    "NAME",
    "ICO",
    "STREET",
    "CITY",
    "STATE",
    "ZIP",
    "GROUP",
    "SUBSECTION",
    "AFFILIATION",
    "CLASSIFICATION",
    "RULING",
    "DEDUCTIBILITY",
    "FOUNDATION",
    "ACTIVITY",
    "ORGANIZATION",
    "STATUS",
    "TAX_PERIOD",
    "ASSET_CD",
    "INCOME_CD",
    "FILING_REQ_CD",
    "PF_FILING_REQ_CD",
    "ACCT_PD",
    "ASSET_AMT",
    "INCOME_AMT",
    "REVENUE_AMT",
    "NTEE_CD",
    "SORT_NAME",
)
"""The header of the IRS extract's regional files (eo1.csv ... eo4.csv, eo_xx.csv per state)."""

# The major groups of the National Taxonomy of Exempt Entities: the first letter of NTEE_CD.
NTEE_MAJOR = {
    "A": "Arts, culture and humanities",
    "B": "Education",
    "C": "Environment",
    "D": "Animal-related",
    "E": "Health care",
    "F": "Mental health and crisis intervention",
    "G": "Diseases, disorders and medical disciplines",
    "H": "Medical research",
    "I": "Crime and legal-related",
    "J": "Employment",
    "K": "Food, agriculture and nutrition",
    "L": "Housing and shelter",
    "M": "Public safety and disaster relief",
    "N": "Recreation and sports",
    "O": "Youth development",
    "P": "Human services",
    "Q": "International, foreign affairs and national security",
    "R": "Civil rights, social action and advocacy",
    "S": "Community improvement and capacity building",
    "T": "Philanthropy, voluntarism and grantmaking",
    "U": "Science and technology",
    "V": "Social science",
    "W": "Public and societal benefit",
    "X": "Religion-related",
    "Y": "Mutual and membership benefit",
    "Z": "Unknown",
}

_EIN = re.compile(r"^\d{9}$")
_EIN_TYPED = re.compile(r"^\s*(?:ein\s*:?\s*)?(\d{2})-?(\d{7})\s*$", re.I)
_EIN_SUFFIX = re.compile(r"\(\s*EIN\s+(\d{2})-?(\d{7})\s*\)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """One organization as a registry lists it. Amounts are whole dollars (or pounds...)."""

    registry: str
    reg_id: str
    name: str
    city: str = ""
    region: str = ""
    subsection: str | None = None
    ruling: str | None = None
    ntee: str | None = None
    tax_period: str | None = None
    revenue: int | None = None
    assets: int | None = None
    income: int | None = None

    @property
    def key(self) -> str:
        """The id used in picks and links: ``irs:123456789``."""
        return f"{self.registry}:{self.reg_id}"


def is_ein(text: str) -> bool:
    """Whether ``text`` is a bare 9-digit EIN as stored."""
    return bool(_EIN.match(text))


def format_ein(ein: str) -> str:
    """``123456789`` -> ``12-3456789``, how the IRS prints it."""
    return f"{ein[:2]}-{ein[2:]}" if is_ein(ein) else ein


def typed_ein(text: str) -> str | None:
    """The EIN a member typed (``12-3456789``, ``EIN 123456789``) or that autocomplete put
    after a name (``HOPE HOUSE INC (EIN 12-3456789)``); None when there is none."""
    match = _EIN_TYPED.match(text) or _EIN_SUFFIX.search(text)
    return match.group(1) + match.group(2) if match else None


def subsection_label(code: str | None) -> str | None:
    """``03`` -> ``501(c)(3)``; None for an empty or unreadable code."""
    if not code or not code.strip().isdigit():
        return None
    return f"501(c)({int(code)})"


def ruling_year(ruling: str | None) -> str | None:
    """``199512`` -> ``1995``: the year the IRS recognized the exemption."""
    if not ruling or len(ruling) < 4 or not ruling[:4].isdigit() or ruling[:4] == "0000":
        return None
    return ruling[:4]


def ntee_label(code: str | None) -> str | None:
    """``R99`` -> ``Civil rights, social action and advocacy (R99)``."""
    if not code:
        return None
    major = NTEE_MAJOR.get(code[:1].upper())
    return f"{major} ({code})" if major else code


def money(amount: int | None) -> str | None:
    """``1234567`` -> ``$1,234,567``."""
    return None if amount is None else f"${amount:,}"
