"""What the operator may register, checked before anything is signed (pure, no IO).

`office-register` and `key-rotate` call these against the registry learned from the log, so a
duplicate office, an invalid office code or an unknown old key is refused with a message a
clerk can act on, and nothing is written (the verifier would refuse those entries anyway).
"""

from __future__ import annotations

import re

from .entry import OPERATOR
from .errors import PublisherError
from .keys import PublicKey
from .registry import KeyRegistry

OFFICE_RE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
OFFICE_HINT = ("单位代码须为 2–32 个小写英文字母、数字或连字符，以字母开头，例如 scjgj、county-health / "
               "an office code is 2-32 lowercase letters, digits or '-', starting with a letter, e.g. scjgj")


class RegistrationError(PublisherError, ValueError):
    """A registration the verifier would refuse; the message is Chinese first, then English."""


def check_office_code(office: str) -> None:
    if office == OPERATOR:
        raise RegistrationError(f"“{OPERATOR}”是运营方自己的代码，不能注册为单位 / "
                                f"{OPERATOR!r} is the operator itself, not an office")
    if not OFFICE_RE.fullmatch(office):
        raise RegistrationError(f"单位代码“{office}”无效。{OFFICE_HINT}")


def _check_new_key(registry: KeyRegistry, key: PublicKey) -> None:
    rec = registry.keys.get(key.id)
    if rec is not None:
        raise RegistrationError(f"密钥 {key.id} 已登记给单位 {rec.office}，每个密钥只能登记一次 / "
                                f"key {key.id} is already registered (office {rec.office})")
    if key.id in registry.trust.root_keys:
        raise RegistrationError(f"密钥 {key.id} 是运营方根密钥，不能给单位使用 / key {key.id} is a root key")


def check_office_register(registry: KeyRegistry, office: str, name_zh: str, name_en: str, key: PublicKey) -> None:
    check_office_code(office)
    if office in registry.offices:
        raise RegistrationError(f"单位 {office}（{registry.offices[office].get('name_zh', '')}）已经注册，"
                                f"不能重复注册；更换密钥请用 publisher key-rotate / office {office!r} is already registered")
    for field, value, limit in (("--name-zh 中文名称", name_zh, 100), ("--name-en 英文名称", name_en, 200)):
        if not value.strip() or len(value) > limit:
            raise RegistrationError(f"{field}：须为 1–{limit} 个字符 / {field.split()[0]}: 1-{limit} characters")
    _check_new_key(registry, key)


def check_key_rotate(registry: KeyRegistry, office: str, new: PublicKey, old_key_id: str) -> None:
    check_office_code(office)
    if office not in registry.offices:
        raise RegistrationError(f"单位 {office} 尚未注册，请先用 publisher office-register / office {office!r} is not registered")
    old = registry.keys.get(old_key_id)
    if old is None or old.office != office:
        have = [k for k, r in registry.keys.items() if r.office == office and r.revoked is None]
        raise RegistrationError(f"单位 {office} 没有编号为 {old_key_id} 的密钥；该单位现用密钥：{', '.join(have) or '无'} / "
                                f"office {office!r} has no key {old_key_id!r}; its current keys: {', '.join(have) or 'none'}")
    if old.revoked is not None:
        raise RegistrationError(f"密钥 {old_key_id} 已经撤销过 / key {old_key_id} is already revoked")
    _check_new_key(registry, new)
