"""Pick an implementation by name: one registry per family, one "可选：…" error for all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from core.errors import AssistantError, ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Factories by name; a name may also be a prefix ("st:" + model path) whose rest is the argument.

    >>> rerankers = Registry("reranker"); rerankers.add("none", lambda arg: None)
    """

    def __init__(self, family: str, error: type[AssistantError] = ConfigError) -> None:
        self.family = family
        self.error = error
        self._factories: dict[str, Callable[..., T]] = {}

    def add(self, name: str, factory: Callable[..., T]) -> None:
        """factory(argument, *context): argument is the rest of a prefix name ("" otherwise)."""
        self._factories[name] = factory

    def names(self) -> list[str]:
        return [n + ("MODEL" if n.endswith(":") else "") for n in self._factories]

    def check(self, spec: str) -> None:
        """Raise ConfigError naming the choices when spec names nothing registered."""
        self._lookup(spec)

    def create(self, spec: str, *context) -> T:
        factory, argument = self._lookup(spec)
        return factory(argument, *context)

    def _lookup(self, spec: str) -> tuple[Callable[..., T], str]:
        spec = (spec or "").strip()
        if spec in self._factories and not spec.endswith(":"):
            return self._factories[spec], ""
        for name, factory in self._factories.items():
            if name.endswith(":") and spec.startswith(name) and len(spec) > len(name):
                return factory, spec[len(name):]
        raise self.error(f"设置项 {self.family} 的值 '{spec}' 无效；可选：{'、'.join(self.names())}")
