"""iOS full filesystem dumps in the layouts extraction tools write, and their system databases.

`FsDump(tmp)` writes device files under a root folder by their device path
("private/var/mobile/Library/SMS/sms.db"), optionally without the `private/` level or inside
a wrapper folder, with the modes and modification times given; `tar()`/`zip()` pack it as
checkm8 and commercial tools do (tar keeps mode and mtime). Databases use Apple's schemas:
netusage.sqlite as plaso's ios_netusage plugin records it, Cache.db as CFNetwork creates it,
WebKit LocalStorage's ItemTable and IndexedDB's IDBDatabaseInfo.
"""

from __future__ import annotations

import os
import tarfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from spytrace.model import EvidenceFile
from spytrace.testkit.ios_system import DataUsageDb
from spytrace.testkit.sqlite import SqliteBuilder

T0 = datetime(2023, 6, 1, 10, 0, 0, tzinfo=UTC)


class FsDump:
    """A dump folder; `path` arguments are device paths without the leading slash."""

    def __init__(self, directory: Path, *, with_private: bool = True, wrapper: str = ""):
        self.directory = Path(directory)
        self.base = self.directory / "dump"
        self.root = self.base / wrapper if wrapper else self.base
        self.root.mkdir(parents=True)
        self.with_private = with_private
        self.wrapper = wrapper

    def physical(self, path: str) -> Path:
        if not self.with_private and path.startswith("private/"):
            path = path[len("private/") :]
        return self.root / path

    def add(
        self, path: str, data: bytes | str = b"", *, mode: int = 0o644, mtime: datetime = T0
    ) -> Path:
        target = self.physical(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)
        target.chmod(mode)
        stamp = mtime.timestamp()
        os.utime(target, (stamp, stamp))
        return target

    def folder(self, path: str, *, mtime: datetime = T0) -> Path:
        target = self.physical(path)
        target.mkdir(parents=True, exist_ok=True)
        stamp = mtime.timestamp()
        os.utime(target, (stamp, stamp))
        return target

    def place(self, path: str, built: EvidenceFile, *, mtime: datetime = T0) -> Path:
        """A file a builder wrote (a database, say), copied to `path` in the dump."""
        return self.add(path, built.path.read_bytes(), mtime=mtime)

    def touch_tree(self, mtime: datetime = T0) -> None:
        """Give every folder the same modification time (writing files changes them)."""
        stamp = mtime.timestamp()
        for folder in sorted(self.base.rglob("*"), reverse=True):
            if folder.is_dir() and not folder.is_symlink():
                os.utime(folder, (stamp, stamp))

    def tar(self, name: str = "dump.tar", mode: Literal["w", "w:gz"] = "w") -> Path:
        target = self.directory / name
        with tarfile.open(target, mode) as archive:
            for child in sorted(self.base.iterdir()):
                archive.add(child, arcname=child.name)
        return target

    def zip(self, name: str = "dump.zip") -> Path:
        target = self.directory / name
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(self.base.rglob("*")):
                archive.write(path, path.relative_to(self.base).as_posix())
        return target


class NetUsageDb(DataUsageDb):
    """/private/var/networkd/netusage.sqlite: DataUsage's Core Data model with wired counters
    and other entity numbers, as plaso's ios_netusage plugin records the schema."""

    LOGICAL_PATH = "private/var/networkd/netusage.sqlite"
    LIVE_USAGE_ENT, PROCESS_ENT = 9, 15
    COUNTERS = (*DataUsageDb.COUNTERS, "wired_in", "wired_out")
    SCHEMA = """
CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER,
  ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, Z15_HASPROCESS INTEGER, ZALLFLOWS FLOAT,
  ZBILLCYCLEEND TIMESTAMP, ZJUMBOFLOWS FLOAT, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT,
  ZWIREDIN FLOAT, ZWIREDOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT, ZXIN FLOAT, ZXOUT FLOAT );
CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
INSERT INTO Z_PRIMARYKEY VALUES (9, 'LiveUsage', 0, 0);
INSERT INTO Z_PRIMARYKEY VALUES (15, 'Process', 0, 0);
"""


class CacheDb(SqliteBuilder):
    """Cache.db: the tables CFNetwork's NSURLStorageURLCacheDB creates."""

    LOGICAL_PATH = "private/var/mobile/Containers/Data/Application/1C2D3E4F-5A6B-4C7D-8E9F-0A1B2C3D4E5F/Library/Caches/com.example.app/Cache.db"
    SCHEMA = """
CREATE TABLE cfurl_cache_schema_version(schema_version INTEGER);
CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE,
  version INTEGER, hash_value INTEGER, storage_policy INTEGER, request_key TEXT UNIQUE,
  time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT);
CREATE TABLE cfurl_cache_blob_data(entry_ID INTEGER PRIMARY KEY, response_object BLOB,
  request_object BLOB, proto_props BLOB, user_info BLOB);
CREATE TABLE cfurl_cache_receiver_data(entry_ID INTEGER PRIMARY KEY, isDataOnFS INTEGER,
  receiver_data BLOB);
INSERT INTO cfurl_cache_schema_version VALUES (202);
"""

    def add_response(self, url: str, when: datetime, *, partition: str | None = None) -> int:
        return self.insert(
            "cfurl_cache_response",
            version=0,
            hash_value=hash(url) & 0xFFFFFFFF,
            storage_policy=0,
            request_key=url,
            time_stamp=when.strftime("%Y-%m-%d %H:%M:%S"),
            partition=partition,
        )


class LocalStorageDb(SqliteBuilder):
    """A WebKit .localstorage file: ItemTable as WebKit's SQLiteStorageArea creates it."""

    LOGICAL_PATH = "private/var/mobile/Containers/Data/Application/1C2D3E4F-5A6B-4C7D-8E9F-0A1B2C3D4E5F/Library/WebKit/WebsiteData/LocalStorage/https_www.example.com_0.localstorage"
    SCHEMA = """
CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB NOT NULL ON CONFLICT FAIL);
"""

    def add_item(self, key: str, value: str) -> int:
        return self.insert("ItemTable", key=key, value=value.encode("utf-16-le"))


class IndexedDb(SqliteBuilder):
    """IndexedDB.sqlite3 of WebKit: IDBDatabaseInfo (key, value) with the database's name."""

    LOGICAL_PATH = "private/var/mobile/Containers/Data/Application/1C2D3E4F-5A6B-4C7D-8E9F-0A1B2C3D4E5F/Library/WebKit/WebsiteData/IndexedDB/https_evil.example_0/5f3a2b1c/IndexedDB.sqlite3"
    SCHEMA = """
CREATE TABLE IDBDatabaseInfo (key TEXT NOT NULL ON CONFLICT FAIL UNIQUE ON CONFLICT REPLACE, value TEXT NOT NULL ON CONFLICT FAIL);
CREATE TABLE ObjectStoreInfo (id INTEGER PRIMARY KEY NOT NULL ON CONFLICT FAIL UNIQUE ON CONFLICT FAIL, name TEXT NOT NULL ON CONFLICT FAIL UNIQUE ON CONFLICT FAIL, keyPath BLOB NOT NULL ON CONFLICT FAIL, autoInc INTEGER NOT NULL ON CONFLICT FAIL);
INSERT INTO IDBDatabaseInfo VALUES ('MetadataVersion', '1');
"""


class KeychainAnalyticsDb(SqliteBuilder):
    """/private/var/Keychains/Analytics/*.db: failure and event tables, Cocoa times, plist data."""

    LOGICAL_PATH = "private/var/Keychains/Analytics/trust_analytics.db"
    SCHEMA = """
CREATE TABLE hard_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB);
CREATE TABLE soft_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB);
CREATE TABLE all_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB);
CREATE TABLE rockwell (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB);
"""
