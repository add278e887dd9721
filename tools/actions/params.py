"""Typed params of each action, validated with pydantic before anything touches the cluster."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from kubernetes.utils import parse_quantity
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tools.errors import InvalidArgs
from tools.models import ActionName

MAX_REPLICAS = 100  # a scale beyond this is refused: ask a human to do it on purpose
RESOURCE_NAMES = ("cpu", "memory", "ephemeral-storage")


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoParams(_Params):
    pass


class RollbackParams(_Params):
    revision: int | None = Field(default=None, ge=1)


class ScaleParams(_Params):
    replicas: int = Field(ge=0)

    @field_validator("replicas")
    @classmethod
    def _capped(cls, value: int) -> int:
        if value > MAX_REPLICAS:
            raise ValueError(f"{value} replicas is above the cap of {MAX_REPLICAS} that debugbot may set; "
                             "scale that far by hand if it is really meant")
        return value


def _quantities(value: dict[str, Any] | None) -> dict[str, str] | None:
    if value is None:
        return None
    out: dict[str, str] = {}
    for name, qty in value.items():
        if name not in RESOURCE_NAMES and not name.startswith("hugepages-"):
            raise ValueError(f"unknown resource {name!r}; use one of {', '.join(RESOURCE_NAMES)}")
        text = str(qty)
        try:
            parse_quantity(text)  # type: ignore[no-untyped-call]
        except ValueError:
            raise ValueError(f"{name}: {text!r} is not a Kubernetes quantity (e.g. 512Mi, 1Gi, 250m, 2)") from None
        out[name] = text
    return out


class ResourcesParams(_Params):
    container: str = Field(min_length=1)
    limits: dict[str, Any] | None = None
    requests: dict[str, Any] | None = None

    @field_validator("limits", "requests")
    @classmethod
    def _valid_quantities(cls, value: dict[str, Any] | None) -> dict[str, str] | None:
        return _quantities(value)

    @model_validator(mode="after")
    def _something(self) -> ResourcesParams:
        if not self.limits and not self.requests:
            raise ValueError("give limits and/or requests, e.g. {\"limits\": {\"memory\": \"1Gi\"}}")
        return self


class PatchParams(_Params):
    patch: dict[str, Any] = Field(min_length=1)


PARAMS: dict[ActionName, type[_Params]] = {
    ActionName.ROLLBACK_DEPLOYMENT: RollbackParams,
    ActionName.RESTART_WORKLOAD: NoParams,
    ActionName.SCALE_WORKLOAD: ScaleParams,
    ActionName.DELETE_POD: NoParams,
    ActionName.SET_RESOURCES: ResourcesParams,
    ActionName.PATCH_RESOURCE: PatchParams,
    ActionName.RECOMMEND_ONLY: NoParams,
}


def parse_params(action: ActionName, raw: dict[str, Any]) -> Any:
    """The params as their typed model; InvalidArgs says which field is wrong and why."""
    model = PARAMS[action]
    data = dict(raw)
    if action is ActionName.RECOMMEND_ONLY:
        data = {}  # advice carries free-form notes; nothing of it is executed
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "params"
            msg = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {msg}")
        raise InvalidArgs(f"bad params for {action.value}: " + "; ".join(problems)) from None


def quantity(text: Any) -> Decimal | None:
    """A quantity's value, or None when it is not one."""
    try:
        return Decimal(parse_quantity(str(text)))  # type: ignore[no-untyped-call]
    except (ValueError, TypeError):
        return None
