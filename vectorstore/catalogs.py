"""Which catalog a store uses, picked by URL: none → the SQLite file in the store folder (the default),
`postgresql://…` → PostgreSQL for a shared deployment (vectorstore/catalog_postgres.py)."""

from __future__ import annotations

from pathlib import Path

from core.errors import ConfigError
from vectorstore.catalog import Catalog

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def _is_postgres(url: str) -> bool:
    if not url.startswith(POSTGRES_SCHEMES):
        raise ConfigError(f"--catalog-url {url} 的格式不对：目前只支持 PostgreSQL，"
                          "应为 postgresql://USER@HOST:PORT/DATABASE；不加这个参数时目录存放在 --store 文件夹里")
    return True


def is_postgres_url(url: str) -> bool:
    """Whether a catalog URL names PostgreSQL; any other scheme is one clear ConfigError."""
    return _is_postgres(url)


def open_catalog(store_dir: Path, url: str | None = None) -> Catalog:
    if url and _is_postgres(url):
        from vectorstore.catalog_postgres import PostgresCatalog  # deferred: psycopg only when used

        return PostgresCatalog(url)
    return Catalog(store_dir / "catalog.sqlite")


def catalog_exists(store_dir: Path, url: str | None = None) -> bool:
    """Whether a catalog is already there, without creating one."""
    if url and _is_postgres(url):
        from vectorstore.catalog_postgres import catalog_exists as postgres_exists

        return postgres_exists(url)
    return (store_dir / "catalog.sqlite").exists()


def catalog_location(store_dir: Path, url: str | None = None) -> str:
    """Where the catalog lives, for messages: the folder or the database URL without its password."""
    if url and _is_postgres(url):
        from vectorstore.catalog_postgres import masked

        return f"目录数据库 {masked(url)}"
    return str(store_dir)
