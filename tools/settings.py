"""The one place that reads the environment: `Settings` (prefix DEBUGBOT_, `.env` supported)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CsvList = Annotated[list[str], NoDecode]

DEFAULT_PATCH_ALLOWLIST = [
    # kind:field-path-prefix. A strategic-merge patch may only touch these leaves.
    "Deployment:spec.template.spec.containers.image",
    "Deployment:spec.template.spec.containers.env",
    "Deployment:spec.template.spec.containers.readinessProbe",
    "Deployment:spec.template.spec.containers.livenessProbe",
    "Deployment:spec.template.spec.containers.startupProbe",
    "Deployment:spec.template.spec.containers.resources",
    "Deployment:spec.template.spec.nodeSelector",
    "Deployment:spec.template.spec.tolerations",
    "StatefulSet:spec.template.spec.containers.image",
    "StatefulSet:spec.template.spec.containers.env",
    "StatefulSet:spec.template.spec.containers.readinessProbe",
    "StatefulSet:spec.template.spec.containers.livenessProbe",
    "StatefulSet:spec.template.spec.containers.startupProbe",
    "StatefulSet:spec.template.spec.containers.resources",
    "StatefulSet:spec.template.spec.nodeSelector",
    "StatefulSet:spec.template.spec.tolerations",
    "DaemonSet:spec.template.spec.containers.image",
    "DaemonSet:spec.template.spec.containers.env",
    "DaemonSet:spec.template.spec.nodeSelector",
    "DaemonSet:spec.template.spec.tolerations",
    "Service:spec.selector",
    "Service:spec.ports",
    "HorizontalPodAutoscaler:spec.minReplicas",
    "HorizontalPodAutoscaler:spec.maxReplicas",
    "HorizontalPodAutoscaler:spec.metrics",
    "PersistentVolumeClaim:spec.resources.requests.storage",
    "ConfigMap:data",
]


class SettingsError(Exception):
    """A missing or bad setting, named by its environment variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEBUGBOT_", env_file=".env", extra="ignore")

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None  # xapp-..., Socket Mode only
    slack_api_url: str = "https://slack.com/api/"
    allowed_channels: CsvList = Field(default_factory=list)  # empty: every channel
    approver_user_ids: CsvList = Field(default_factory=list)
    approver_group_ids: CsvList = Field(default_factory=list)
    allow_self_approval: bool = True
    oncall_group_id: str | None = None
    alert_channel: str | None = None  # where webhook alerts open their thread (or ?channel= on the URL)
    alertmanager_token: SecretStr | None = None  # shared token the Alertmanager webhook must send
    http_port: int = Field(default=3000, ge=1, le=65535)
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)  # `debugbot worker`'s /metrics; 0: not served

    # Queue and state
    redis_url: str = "redis://localhost:6379/0"
    queue_name: str = "debugbot"
    job_timeout_s: int = Field(default=600, gt=0)
    approval_ttl_s: int = Field(default=3600, gt=0)
    checkpoint_ttl_s: int | None = Field(default=None, gt=0)
    audit_maxlen: int = Field(default=100_000, gt=0)
    abandoned_after_s: int = Field(default=90, gt=0)  # a job whose worker vanished is reported this long after
    dedupe_ttl_s: int = Field(default=600, gt=0)

    # Reasoner
    reasoner: Literal["rules", "llm"] = "rules"
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=3, ge=0)
    embeddings_model: str | None = None

    # Budgets
    max_steps: int = Field(default=16, gt=0)
    max_llm_tokens: int = Field(default=60_000, gt=0)
    max_seconds: float = Field(default=120.0, gt=0)
    recursion_limit: int = Field(default=100, gt=0)
    tool_output_tokens: int = Field(default=900, gt=50)

    # Cluster and telemetry
    kubeconfig: str | None = None
    kube_context: str | None = None
    in_cluster: bool = False
    allowed_namespaces: CsvList = Field(default_factory=list)  # empty: every namespace
    k8s_timeout_s: float = Field(default=10.0, gt=0)
    prometheus_url: str | None = None
    prom_timeout_s: float = Field(default=10.0, gt=0)
    jaeger_url: str | None = None
    jaeger_timeout_s: float = Field(default=10.0, gt=0)
    http_check_allow: CsvList = Field(default_factory=list)  # host globs or URL prefixes
    http_check_timeout_s: float = Field(default=5.0, gt=0)
    patch_allowlist: CsvList = Field(default_factory=lambda: list(DEFAULT_PATCH_ALLOWLIST))
    allow_secret_and_rbac_patches: bool = False
    verify_timeout_s: float = Field(default=30.0, ge=0)

    # Memory
    memory_enabled: bool = True  # recall similar past incidents and remember finished ones
    memory_threshold: float = Field(default=0.75, ge=0, le=1)
    memory_retention_days: int = Field(default=180, gt=0)
    memory_index_path: str | None = None

    @field_validator("allowed_channels", "approver_user_ids", "approver_group_ids",
                     "allowed_namespaces", "http_check_allow", "patch_allowlist", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def require(self, *names: str) -> None:
        """Fail at start, naming each variable a mode needs and does not have."""
        missing = [f"DEBUGBOT_{n.upper()}" for n in names if getattr(self, n) in (None, "")]
        if missing:
            raise SettingsError(f"missing required setting(s): {', '.join(missing)}")


def load_settings(**overrides: object) -> Settings:
    """Build Settings once at start; a bad value raises SettingsError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            problems.append(f"DEBUGBOT_{field.upper()}: {err['msg']} (got {err.get('input')!r})")
        raise SettingsError("bad setting(s): " + "; ".join(problems)) from exc
