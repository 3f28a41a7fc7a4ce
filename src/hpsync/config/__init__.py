"""Configuration: ``hpsync.toml`` → validated, frozen models; secrets by reference."""

from __future__ import annotations

from hpsync.config.example import example_config
from hpsync.config.loader import check_config, load_config, secret_problems
from hpsync.config.models import (
    AccountConfig,
    AlertRuleConfig,
    BaseConfig,
    Config,
    CoupleConfig,
    FinalPolicyConfig,
    HyperplanningConfig,
    RoomPolicy,
    SecretRef,
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
    "example_config",
    "load_config",
    "secret_problems",
]
