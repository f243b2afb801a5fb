"""Checks that no regular expression can express (check digits, numbering plans), applied to the
candidate values the engine has already matched by pattern. Each takes the detector's normalised
value and says whether it is a real identifier, not just one of the right shape. The values are
never kept, logged or returned: only the count of valid ones leaves the detector."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import phonenumbers
from stdnum import bic, iban, luhn
from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.fr import nir, siren, siret


def _nir(value: str) -> bool:
    if len(value) == 15:
        return bool(nir.is_valid(value))
    return len(value) == 13  # NIR without its key: the pattern already checked sex, month, place


def _phone(value: str) -> bool:
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def _iban(value: str) -> bool:
    """An IBAN: its key (mod 97), its country's length and shape, and the account's national check
    digits where python-stdnum knows them (Belgian, Spanish…; not a French IBAN's RIB key). A bank
    code missing from python-stdnum's registry is no reason to doubt it (the registry is not every
    bank: the standard's own Belgian example is not in it)."""
    try:
        iban.validate(value)
    except InvalidComponent:
        return bool(iban.is_valid(value, check_country=False))
    except ValidationError:
        return False
    return True


def _rib(value: str) -> bool:
    """A French RIB: bank (5), branch (5), account (11, letters allowed) and key (2), where
    key = 97 - (89 × bank + 15 × branch + 3 × account) mod 97, letters counted as the Banque de
    France table says (A, J -> 1; B, K, S -> 2; …)."""
    if len(value) != 23 or not value[:10].isdigit() or not value[21:].isdigit():
        return False
    account = value[10:21].translate(_RIB_LETTERS)
    if not account.isdigit():
        return False
    key = 97 - (89 * int(value[:5]) + 15 * int(value[5:10]) + 3 * int(account)) % 97
    return key == int(value[21:])


def _ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _postal_code(value: str) -> bool:
    """French postal codes: département 01–95 (20 for Corsica) or overseas 971–988."""
    dept = int(value[:2])
    return 1 <= dept <= 95 or value[:3] in {"971", "972", "973", "974", "975", "976", "977", "978",
                                            "984", "986", "987", "988"}


def _latitude(value: str) -> bool:
    return -90.0 <= float(value) <= 90.0


def _longitude(value: str) -> bool:
    return -180.0 <= float(value) <= 180.0


def passes(check: Callable[[str], bool], value: str) -> bool:
    """A validator's verdict; a value it cannot even parse is simply not valid."""
    try:
        return bool(check(value))
    except (ValueError, TypeError, ArithmeticError):
        return False


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "nir": _nir,
    "siren": lambda v: bool(siren.is_valid(v)),
    "siret": lambda v: bool(siret.is_valid(v)),
    "iban": _iban,
    "rib": _rib,
    "bic": lambda v: bool(bic.is_valid(v)),
    "luhn": lambda v: bool(luhn.is_valid(v)),
    "phone": _phone,
    "ip_address": _ip,
    "postal_code_fr": _postal_code,
    "latitude": _latitude,
    "longitude": _longitude,
}
