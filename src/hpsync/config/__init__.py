"""Configuration: ``hpsync.toml`` → validated, frozen models; secrets by reference."""

from __future__ import annotations

from hpsync.config.example import example_config
from hpsync.config.fields import SecretRef, default_base_id
from hpsync.config.loader import check_config, load_config, secret_problems, secret_refs
from hpsync.config.models import (
    AccountConfig,
    AlertRuleConfig,
    BaseConfig,
    Config,
    CoupleConfig,
    FinalPolicyConfig,
    HyperplanningConfig,
    RoomPolicy,
    SmtpConfig,
    TrainerlessPolicy,
)

__all__ = [
    "AccountConfig",
    "AlertRuleConfig",
    "BaseConfig",
    "Config",
    "CoupleConfig",
    "FinalPolicyConfig",
    "HyperplanningConfig",
    "RoomPolicy",
    "SecretRef",
    "SmtpConfig",
    "TrainerlessPolicy",
    "check_config",
    "default_base_id",
    "example_config",
    "load_config",
    "secret_problems",
    "secret_refs",
]
