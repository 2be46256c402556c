"""Real-schema fixtures for the iOS communication databases: Messages, WhatsApp, calls, contacts,
calendar, CoreDuet interactions, and the identity-services lookup cache.

The CREATE statements are the vendors' own, copied as facts from public dumps (each cited at its
schema). Rows are inserted only into columns those statements declare, so a fixture cannot drift
from the real layout without the insert failing.
"""

from __future__ import annotations

import itertools
import plistlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spytrace.model import EvidenceFile
from spytrace.testkit.sqlite import SqliteBuilder

COCOA_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)


def cocoa_seconds(moment: datetime) -> float:
    """Apple absolute time in seconds, as Core Data, CallHistory and Calendar store it."""
    return (moment - COCOA_EPOCH).total_seconds()


def cocoa_nanos(moment: datetime) -> int:
    """Apple absolute time in nanoseconds, as sms.db stores message dates since iOS 11."""
    delta = moment - COCOA_EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def archived_text(text: str, *, mutable: bool = False) -> bytes:
    """An NSAttributedString archived by NSArchiver (typedstream), the way Messages writes
    `attributedBody`: header, class chain, `+` and the length-prefixed UTF-8 text, then the
    attribute run dictionary. Layout from the hex dump on mcmap.net ("Inspecting files of type
    NeXT/Apple typedstream") and the crabstep test data (docs.rs)."""
    data = text.encode()
    if len(data) < 0x80:
        length = bytes([len(data)])
    elif len(data) < 0x8000:
        length = b"\x81" + len(data).to_bytes(2, "little")
    else:
        length = b"\x82" + len(data).to_bytes(4, "little")
    if mutable:
        classes = (
            b"\x84\x84\x84\x19NSMutableAttributedString\x00\x84\x84\x12NSAttributedString\x00"
            b"\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x0fNSMutableString\x01"
            b"\x84\x84\x08NSString\x01\x95\x84\x01+"
        )
    else:
        classes = (
            b"\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92"
            b"\x84\x84\x84\x08NSString\x01\x94\x84\x01+"
        )
    runs = (
        b"\x86\x84\x02iI\x01"
        + bytes([min(len(text), 0x7F)])
        + b"\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x01\x92\x84\x96\x96"
        b"\x1d__kIMMessagePartAttributeName\x86\x92\x84\x84\x84\x08NSNumber\x00"
        b"\x84\x84\x07NSValue\x00\x94\x84\x01*\x84\x99\x99\x00\x86\x86\x86"
    )
    return b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@" + classes + length + data + runs


def link_preview_payload(*urls: str) -> bytes:
    """A `payload_data` blob: an NSKeyedArchiver binary plist whose objects hold the URLs."""
    objects: list[Any] = ["$null", {"$class": plistlib.UID(2)}, *urls]
    archive = {
        "$version": 100000,
        "$archiver": "NSKeyedArchiver",
        "$top": {"root": plistlib.UID(1)},
        "$objects": objects,
    }
    return plistlib.dumps(archive, fmt=plistlib.FMT_BINARY)


class _Builder(SqliteBuilder):
    pass


# --------------------------------------------------------------------------------------------
# Messages: HomeDomain/Library/SMS/sms.db
# --------------------------------------------------------------------------------------------

# Messages' table definitions as captured from a chat.db of macOS 26.6 (the same IMCore store
# as iOS's sms.db), in a public test fixture found by the code search; the indexes as listed in
# public schema dumps (chat_message_join_idx_message_id_only etc.). Older columns cross-checked
# with the iOS 6.1.6 / 11.2 dumps in richinfante/iphonebackuptools schemas/messages/.
_SMS_TABLES = """
CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
CREATE TABLE deleted_messages (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, guid TEXT NOT NULL);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER, engram_id TEXT, server_change_token TEXT, ck_sync_state INTEGER DEFAULT 0, original_group_id TEXT, last_read_message_timestamp INTEGER DEFAULT 0, cloudkit_record_id TEXT, last_addressed_sim_id TEXT, is_blackholed INTEGER DEFAULT 0, syndication_date INTEGER DEFAULT 0, syndication_type INTEGER DEFAULT 0, is_recovered INTEGER DEFAULT 0, is_deleting_incoming_messages INTEGER DEFAULT 0, is_pending_review INTEGER DEFAULT 0);
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service) );
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0, share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB, expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0, associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER, message_summary_info BLOB, ck_sync_state INTEGER DEFAULT 0, ck_record_id TEXT, ck_record_change_tag TEXT, destination_caller_id TEXT, is_corrupt INTEGER DEFAULT 0, reply_to_guid TEXT, sort_id INTEGER, is_spam INTEGER DEFAULT 0, has_unseen_mention INTEGER DEFAULT 0, thread_originator_guid TEXT, thread_originator_part TEXT, syndication_ranges TEXT, synced_syndication_ranges TEXT, was_delivered_quietly INTEGER DEFAULT 0, did_notify_recipient INTEGER DEFAULT 0, date_retracted INTEGER, date_edited INTEGER, was_detonated INTEGER DEFAULT 0, part_count INTEGER, is_stewie INTEGER DEFAULT 0, is_sos INTEGER DEFAULT 0, is_critical INTEGER DEFAULT 0, bia_reference_id TEXT, is_kt_verified INTEGER DEFAULT 0, fallback_hash TEXT, associated_message_emoji TEXT, is_pending_satellite_send INTEGER DEFAULT 0, needs_relay INTEGER DEFAULT 0, schedule_type INTEGER DEFAULT 0, schedule_state INTEGER DEFAULT 0, sent_or_received_off_grid INTEGER DEFAULT 0, date_recovered INTEGER DEFAULT 0, is_time_sensitive INTEGER DEFAULT 0, ck_chat_id TEXT, index_state INTEGER DEFAULT 0);
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB, hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0, ck_server_change_token_blob BLOB, ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL, is_commsafety_sensitive INTEGER DEFAULT 0, emoji_image_content_identifier TEXT, emoji_image_short_description TEXT, preview_generation_state INTEGER DEFAULT 0);
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, index_state INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (chat_id, message_id));
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
"""
_SMS_INDEXES = """
CREATE INDEX chat_message_join_idx_message_id_only ON chat_message_join(message_id);
CREATE INDEX chat_message_join_idx_chat_id ON chat_message_join(chat_id);
CREATE INDEX chat_message_join_idx_message_date_id_chat_id ON chat_message_join(chat_id, message_date, message_id);
CREATE INDEX chat_handle_join_idx_handle_id ON chat_handle_join(handle_id);
CREATE INDEX message_attachment_join_idx_message_id ON message_attachment_join(message_id);
CREATE INDEX message_attachment_join_idx_attachment_id ON message_attachment_join(attachment_id);
CREATE INDEX message_idx_handle ON message(handle_id, date);
CREATE INDEX message_idx_date ON message(date);
CREATE INDEX chat_idx_chat_identifier ON chat(chat_identifier);
"""


class SmsDb(_Builder):
    """sms.db. `add_messages` inserts many rows in one executemany (benchmarks use it)."""

    SCHEMA = _SMS_TABLES + _SMS_INDEXES
    LOGICAL_PATH = "HomeDomain/Library/SMS/sms.db"

    def __init__(self, directory: Path, **kwargs: Any) -> None:
        super().__init__(directory, **kwargs)
        self._guids = itertools.count(1)

    def _guid(self) -> str:
        return f"00000000-0000-4000-8000-{next(self._guids):012d}"

    def add_handle(self, handle: str, service: str = "iMessage", country: str = "us") -> int:
        return self.insert(
            "handle", id=handle, service=service, country=country, uncanonicalized_id=handle
        )

    def add_chat(
        self, identifier: str, service: str = "iMessage", handles: Sequence[int] = ()
    ) -> int:
        chat = self.insert(
            "chat",
            guid=f"{service};-;{identifier}",
            style=45 if len(handles) <= 1 else 43,
            chat_identifier=identifier,
            service_name=service,
        )
        for handle in handles:
            self.insert("chat_handle_join", chat_id=chat, handle_id=handle)
        return chat

    def add_message(self, *, chat_id: int | None = None, **columns: Any) -> int:
        """One message row; `columns` are message's own column names (text, date, handle_id...)."""
        columns.setdefault("guid", self._guid())
        rowid = self.insert("message", **columns)
        if chat_id is not None:
            self.insert(
                "chat_message_join",
                chat_id=chat_id,
                message_id=rowid,
                message_date=columns.get("date") or 0,
            )
        return rowid

    def add_messages(
        self, rows: Iterable[Mapping[str, Any]], *, chat_id: int | None = None
    ) -> None:
        """Many message rows at once (each a mapping of message columns, in insertion order),
        all joined to `chat_id` when one is given."""
        (before,) = self.conn.execute("SELECT COALESCE(MAX(ROWID), 0) FROM message").fetchone()
        self.insert_many(
            "message", ({"guid": self._guid(), **row} if "guid" not in row else row for row in rows)
        )
        if chat_id is not None:
            self.conn.execute(
                "INSERT INTO chat_message_join (chat_id, message_id, message_date)"
                " SELECT ?, ROWID, COALESCE(date, 0) FROM message WHERE ROWID > ?",
                (chat_id, before),
            )

    def add_attachment(self, *, message_id: int | None = None, **columns: Any) -> int:
        guid = columns.setdefault("guid", self._guid())
        columns.setdefault("original_guid", guid)
        rowid = self.insert("attachment", **columns)
        if message_id is not None:
            self.insert("message_attachment_join", message_id=message_id, attachment_id=rowid)
        return rowid


class SmsDbWithoutAttributedBody(SmsDb):
    """A schema variant whose message table lacks `attributedBody` (as in pre-iOS 6 layouts)."""

    SCHEMA = SmsDb.SCHEMA.replace(" attributedBody BLOB,", "")


# --------------------------------------------------------------------------------------------
# WhatsApp: AppDomainGroup-group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite
# --------------------------------------------------------------------------------------------

# WhatsApp's Core Data tables as `.schema` prints them on a real ChatStorage.sqlite (DDL copied
# into a public test builder, dated 2026-10-09; the iOS and macOS apps share the model).
_WHATSAPP_SCHEMA = """
CREATE TABLE ZWACHATSESSION ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER, ZCONTACTABID INTEGER, ZFLAGS INTEGER, ZHIDDEN INTEGER, ZIDENTITYVERIFICATIONEPOCH INTEGER, ZIDENTITYVERIFICATIONSTATE INTEGER, ZMESSAGECOUNTER INTEGER, ZREMOVED INTEGER, ZSESSIONTYPE INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZUNREADCOUNT INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGE INTEGER, ZPROPERTIES INTEGER, ZLASTMESSAGEDATE TIMESTAMP, ZLOCATIONSHARINGENDDATE TIMESTAMP, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTJID VARCHAR, ZETAG VARCHAR, ZLASTMESSAGETEXT VARCHAR, ZPARTNERNAME VARCHAR, ZSAVEDINPUT VARCHAR );
CREATE TABLE ZWAMESSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHILDMESSAGESDELIVEREDCOUNT INTEGER, ZCHILDMESSAGESPLAYEDCOUNT INTEGER, ZCHILDMESSAGESREADCOUNT INTEGER, ZDATAITEMVERSION INTEGER, ZDOCID INTEGER, ZENCRETRYCOUNT INTEGER, ZFILTEREDRECIPIENTCOUNT INTEGER, ZFLAGS INTEGER, ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGEERRORSTATUS INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZSORT INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZSTARRED INTEGER, ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZLASTSESSION INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEINFO INTEGER, ZPARENTMESSAGE INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZMEDIASECTIONID VARCHAR, ZPHASH VARCHAR, ZPUSHNAME VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR );
CREATE TABLE ZWAMEDIAITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCLOUDSTATUS INTEGER, ZFILESIZE INTEGER, ZMEDIAORIGIN INTEGER, ZMOVIEDURATION INTEGER, ZMESSAGE INTEGER, ZASPECTRATIO FLOAT, ZHACCURACY FLOAT, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMEDIAURLDATE TIMESTAMP, ZAUTHORNAME VARCHAR, ZCOLLECTIONNAME VARCHAR, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, ZTHUMBNAILLOCALPATH VARCHAR, ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR, ZXMPPTHUMBPATH VARCHAR, ZMEDIAKEY BLOB, ZMETADATA BLOB );
CREATE TABLE ZWAGROUPMEMBER ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCONTACTABID INTEGER, ZISACTIVE INTEGER, ZISADMIN INTEGER, ZSENDERKEYSENT INTEGER, ZCHATSESSION INTEGER, ZRECENTGROUPCHAT INTEGER, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTNAME VARCHAR, ZFIRSTNAME VARCHAR, ZMEMBERJID VARCHAR );
CREATE TABLE ZWAPROFILEPUSHNAME ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZJID VARCHAR, ZPUSHNAME VARCHAR );
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
"""


class WhatsAppDb(_Builder):
    SCHEMA = _WHATSAPP_SCHEMA
    LOGICAL_PATH = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite"

    def add_chat(self, jid: str, partner: str | None = None, **columns: Any) -> int:
        return self.insert("ZWACHATSESSION", ZCONTACTJID=jid, ZPARTNERNAME=partner, **columns)

    def add_media(self, **columns: Any) -> int:
        return self.insert("ZWAMEDIAITEM", **columns)

    def add_message(self, chat: int, **columns: Any) -> int:
        return self.insert("ZWAMESSAGE", ZCHATSESSION=chat, **columns)


# --------------------------------------------------------------------------------------------
# Calls: HomeDomain/Library/CallHistoryDB/CallHistory.storedata
# --------------------------------------------------------------------------------------------

# CallHistory's Core Data tables as the current model declares them (macOS 27 CallHistory, the
# same store as iOS; DDL in a public test fixture). iOS 11.2 had the same ZCALLRECORD core with
# ZADDRESS as BLOB (richinfante/iphonebackuptools schemas/calls/calls_11.2.sql).
_CALLS_SCHEMA = """
CREATE TABLE ZCALLDBPROPERTIES ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZTIMER_ALL FLOAT, ZTIMER_INCOMING FLOAT, ZTIMER_LAST FLOAT, ZTIMER_LIFETIME FLOAT, ZTIMER_OUTGOING FLOAT );
CREATE TABLE ZCALLRECORD ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER, ZAUTOANSWEREDREASON INTEGER, ZCALLDIRECTORYIDENTITYTYPE INTEGER, ZCALL_CATEGORY INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA INTEGER, ZFILTERED_OUT_REASON INTEGER, ZHANDLE_TYPE INTEGER, ZHASMESSAGE INTEGER, ZJUNKCONFIDENCE INTEGER, ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZSCREENSHARINGTYPE INTEGER, ZUSEDEMERGENCYVIDEOSTREAMING INTEGER, ZVERIFICATIONSTATUS INTEGER, ZWASEMERGENCYCALL INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR, ZBLOCKEDBYEXTENSION VARCHAR, ZIDENTITYEXTENSION VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZJUNKIDENTIFICATIONCATEGORY VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR, ZCONVERSATIONID BLOB, ZIMAGEURL VARCHAR, ZLOCALPARTICIPANTUUID BLOB, ZOUTGOINGLOCALPARTICIPANTUUID BLOB, ZPARTICIPANTGROUPUUID BLOB , ZINITIATOR INTEGER, ZBLOCKEDBYEXTENSIONNAME VARCHAR, ZREMINDERUUID BLOB, ZNEEDEDSCANNOUNCEMENT INTEGER, ZCOMMUNICATIONTRUSTSCORE INTEGER, ZORIGINATINGUITYPE INTEGER, ZORIGINATINGDEVICENAME VARCHAR, ZDIDENABLETRANSLATION INTEGER, ZSAINT_DAVIDS_1 INTEGER, ZSAINT_DAVIDS_2 VARCHAR);
CREATE TABLE ZEMERGENCYMEDIAITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZEMERGENCYMEDIATYPE INTEGER, ZUPLOADEDFORCALL INTEGER, ZASSETID VARCHAR );
CREATE TABLE ZHANDLE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZTYPE INTEGER, ZNORMALIZEDVALUE VARCHAR, ZVALUE VARCHAR );
CREATE TABLE Z_2REMOTEPARTICIPANTHANDLES ( Z_2REMOTEPARTICIPANTCALLS INTEGER, Z_4REMOTEPARTICIPANTHANDLES INTEGER, PRIMARY KEY (Z_2REMOTEPARTICIPANTCALLS, Z_4REMOTEPARTICIPANTHANDLES) );
CREATE INDEX Z_CallRecord_date ON ZCALLRECORD (ZDATE COLLATE BINARY ASC);
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
"""

# The iOS 11.2 ZCALLRECORD: no participant handle tables yet, ZADDRESS a BLOB.
_CALLS_IOS11_SCHEMA = """
CREATE TABLE ZCALLRECORD ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER, ZCALL_CATEGORY INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA INTEGER, ZHANDLE_TYPE INTEGER, ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR UNIQUE, ZADDRESS BLOB );
CREATE INDEX Z_CallRecord_date ON ZCALLRECORD (ZDATE COLLATE BINARY ASC);
CREATE TABLE Z_PRIMARYKEY ( Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER );
CREATE TABLE Z_METADATA ( Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB );
"""


class CallHistoryDb(_Builder):
    SCHEMA = _CALLS_SCHEMA
    LOGICAL_PATH = "HomeDomain/Library/CallHistoryDB/CallHistory.storedata"

    def add_call(self, *, participants: Sequence[str] = (), **columns: Any) -> int:
        columns.setdefault("Z_ENT", 2)
        call = self.insert("ZCALLRECORD", **columns)
        for value in participants:
            handle = self.insert(
                "ZHANDLE",
                Z_ENT=4,
                ZTYPE=3 if "@" in value else 2,
                ZVALUE=value,
                ZNORMALIZEDVALUE=value,
            )
            self.insert(
                "Z_2REMOTEPARTICIPANTHANDLES",
                Z_2REMOTEPARTICIPANTCALLS=call,
                Z_4REMOTEPARTICIPANTHANDLES=handle,
            )
        return call


class CallHistoryIos11Db(CallHistoryDb):
    SCHEMA = _CALLS_IOS11_SCHEMA


# --------------------------------------------------------------------------------------------
# Contacts: HomeDomain/Library/AddressBook/AddressBook.sqlitedb
# --------------------------------------------------------------------------------------------

# ABPerson as the AddressBookLegacy framework creates it (its CREATE string in the iOS 26 binary,
# from blacktop/ipsw-diffs); ABMultiValue, ABMultiValueLabel and ABMultiValueEntry as in the
# iOS address book dumps quoted by the SyncEvolution sources and linuxsleuthing (2012).
# `ab_generate_guid()` is AddressBook's own SQL function: inserts here always give a guid.
_ADDRESSBOOK_SCHEMA = """
CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT, FirstPhonetic TEXT, MiddlePhonetic TEXT, LastPhonetic TEXT, Organization TEXT, Department TEXT, Note TEXT, Kind INTEGER, Birthday TEXT, JobTitle TEXT, Nickname TEXT, Prefix TEXT, Suffix TEXT, FirstSort TEXT, LastSort TEXT, CreationDate INTEGER, ModificationDate INTEGER, CompositeNameFallback TEXT, ExternalIdentifier TEXT, ExternalModificationTag TEXT, ExternalUUID TEXT, StoreID INTEGER, DisplayName TEXT, ExternalRepresentation BLOB, FirstSortSection TEXT, LastSortSection TEXT, FirstSortLanguageIndex INTEGER DEFAULT 2147483647, LastSortLanguageIndex INTEGER DEFAULT 2147483647, PersonLink INTEGER DEFAULT -1, ImageURI TEXT, IsPreferredName INTEGER DEFAULT 1, guid TEXT NOT NULL DEFAULT (ab_generate_guid()), PhonemeData TEXT, AlternateBirthday TEXT, MapsData TEXT, FirstPronunciation TEXT, MiddlePronunciation TEXT, LastPronunciation TEXT, OrganizationPhonetic TEXT, OrganizationPronunciation TEXT, PreviousFamilyName TEXT, PreferredLikenessSource TEXT, PreferredPersonaIdentifier TEXT, PreferredChannel TEXT, DowntimeWhitelist TEXT, ImageType TEXT, ImageHash BLOB, MemojiMetadata BLOB, Wallpaper BLOB, DisplayFlags INTEGER, WatchWallpaperImageData BLOB, WallpaperMetadata BLOB, ImageBackgroundColorsData BLOB, SensitiveContentConfiguration BLOB, WallpaperURI TEXT, UNIQUE(guid));
CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT);
CREATE TABLE ABMultiValueEntry (parent_id INTEGER, key INTEGER, value TEXT, UNIQUE(parent_id, key));
CREATE TABLE ABMultiValueEntryKey (value TEXT, UNIQUE(value));
CREATE TABLE ABMultiValueLabel (value TEXT, UNIQUE(value));
"""

# ABPropertyID values of the multi-value properties (AddressBook ABPerson.h: kABPersonPhoneProperty
# 3, kABPersonEmailProperty 4, kABPersonURLProperty 22).
PHONE, EMAIL, URL = 3, 4, 22


class AddressBookDb(_Builder):
    SCHEMA = _ADDRESSBOOK_SCHEMA
    LOGICAL_PATH = "HomeDomain/Library/AddressBook/AddressBook.sqlitedb"

    def add_person(
        self, *, values: Sequence[tuple[int, str, str | None]] = (), **columns: Any
    ) -> int:
        """A person and their (property, value, label) multi-values, e.g. (PHONE, "+1...", None)."""
        columns.setdefault("guid", f"PERSON-{self._count('ABPerson') + 1}")
        person = self.insert("ABPerson", **columns)
        for identifier, (prop, value, label) in enumerate(values):
            label_id = None
            if label is not None:
                self.conn.execute(
                    "INSERT OR IGNORE INTO ABMultiValueLabel (value) VALUES (?)", (label,)
                )
                (label_id,) = self.conn.execute(
                    "SELECT ROWID FROM ABMultiValueLabel WHERE value = ?", (label,)
                ).fetchone()
            self.insert(
                "ABMultiValue",
                record_id=person,
                property=prop,
                identifier=identifier,
                label=label_id,
                value=value,
            )
        return person

    def _count(self, table: str) -> int:
        (count,) = self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        return int(count)


# --------------------------------------------------------------------------------------------
# Calendar: HomeDomain/Library/Calendar/Calendar.sqlitedb
# --------------------------------------------------------------------------------------------

# The tables the parser reads, from the iOS 11.2 Calendar.sqlitedb dump in
# richinfante/iphonebackuptools (schemas/calendars/calendars_11.2.sql).
_CALENDAR_SCHEMA = """
CREATE TABLE Calendar (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, store_id INTEGER, title TEXT, flags INTEGER, color TEXT, symbolic_color_name TEXT, color_is_display INTEGER, type TEXT, supported_entity_types INTEGER, external_id TEXT, external_mod_tag TEXT, external_id_tag TEXT, external_rep BLOB, display_order INTEGER, UUID TEXT, shared_owner_name TEXT, shared_owner_address TEXT, sharing_status INTEGER, sharing_invitation_response INTEGER, published_URL TEXT, is_published INTEGER, invitation_status INTEGER, sync_token TEXT, self_identity_id INTEGER, self_identity_email TEXT, self_identity_phone_number TEXT, owner_identity_id INTEGER, owner_identity_email TEXT, owner_identity_phone_number TEXT, notes TEXT, bulk_requests BLOB, subcal_account_id TEXT, push_key TEXT, digest BLOB);
CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type INTEGER, type INTEGER, status INTEGER, pending_status INTEGER, role INTEGER, identity_id INTEGER, owner_id INTEGER, external_rep BLOB, UUID TEXT, email TEXT, phone_number TEXT, is_self INTEGER, comment TEXT, schedule_agent INTEGER, flags INTEGER, last_modified REAL, proposed_start_date REAL, invited_by TEXT, proposed_start_date_status INTEGER, comment_last_modified REAL);
CREATE INDEX ParticipantOwnerId on Participant(owner_id);
CREATE TABLE Identity (display_name TEXT, address TEXT, first_name TEXT, last_name TEXT, UNIQUE (display_name, address, first_name, last_name));
CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT, location_id INTEGER, client_location_id INTEGER, description TEXT, start_date REAL, start_tz TEXT, end_date REAL, end_tz TEXT, all_day INTEGER, calendar_id INTEGER, orig_item_id INTEGER, orig_date REAL, organizer_id INTEGER, self_attendee_id INTEGER, status INTEGER, invitation_status INTEGER, availability INTEGER, privacy_level INTEGER, url TEXT, last_modified REAL, sequence_num INTEGER, birthday_id INTEGER, modified_properties INTEGER, external_tracking_status INTEGER, external_id TEXT, external_mod_tag TEXT, unique_identifier TEXT, external_schedule_id TEXT, external_rep BLOB, response_comment TEXT, last_synced_response_comment TEXT, hidden INTEGER, has_recurrences INTEGER, has_attendees INTEGER, UUID TEXT, entity_type INTEGER, priority INTEGER, due_date REAL, due_tz TEXT, due_all_day INTEGER, completion_date REAL, creation_date REAL, action TEXT, app_link BLOB, display_order INTEGER, created_by_id INTEGER, modified_by_id INTEGER, shared_item_created_date REAL, shared_item_created_tz TEXT, shared_item_modified_date REAL, shared_item_modified_tz TEXT, invitation_changed_properties INTEGER, default_alarm_removed INTEGER, phantom_master INTEGER, participation_status_modified_date REAL, calendar_scale TEXT, travel_time INTEGER, travel_advisory_behavior INTEGER, start_location_id INTEGER, suggested_event_info_id INTEGER, first_alert_date REAL, proposed_start_date REAL, can_forward INTEGER, location_prediction_state INTEGER, fired_ttl INTEGER, disallow_propose_new_time INTEGER, structured_data BLOB, local_structured_data BLOB, junk_status INTEGER, conference_url TEXT);
CREATE TABLE Location (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, address TEXT, latitude INTEGER, longitude INTEGER, reference_frame INTEGER, address_book_id TEXT, mapkit_handle BLOB, radius INTEGER, routing TEXT, derived_from TEXT, item_owner_id INTEGER, alarm_owner_id INTEGER);
"""


class CalendarDb(_Builder):
    SCHEMA = _CALENDAR_SCHEMA
    LOGICAL_PATH = "HomeDomain/Library/Calendar/Calendar.sqlitedb"

    def add_calendar(self, title: str, **columns: Any) -> int:
        return self.insert("Calendar", title=title, **columns)

    def add_event(self, **columns: Any) -> int:
        columns.setdefault("entity_type", 2)
        return self.insert("CalendarItem", **columns)

    def add_participant(
        self, event: int, *, address: str | None = None, organizer: bool = False, **columns: Any
    ) -> int:
        """A participant of `event`, with an Identity row when `address` ("mailto:...") is given."""
        if address is not None:
            columns["identity_id"] = self.insert(
                "Identity", display_name=columns.get("email"), address=address
            )
        participant = self.insert("Participant", owner_id=event, **columns)
        if organizer:
            self.conn.execute(
                "UPDATE CalendarItem SET organizer_id = ? WHERE ROWID = ?", (participant, event)
            )
        return participant


# --------------------------------------------------------------------------------------------
# CoreDuet interactions: HomeDomain/Library/CoreDuet/People/interactionC.db
# --------------------------------------------------------------------------------------------

# No public dump of the full CREATE statements was found. Table, column and join-table names are
# those the APOLLO module interaction_contact_interactions (mac4n6) and the MVT/iLEAPP queries
# read (ZINTERACTIONS, ZCONTACTS, ZATTACHMENT, Z_1INTERACTIONS, Z_2INTERACTIONRECIPIENT with
# Z_2RECIPIENTS/Z_3INTERACTIONRECIPIENT); the types follow Core Data's SQLite conventions
# (INTEGER, TIMESTAMP, VARCHAR, BLOB; Z_PK/Z_ENT/Z_OPT first; many-to-many as Z_n tables).
_INTERACTIONC_SCHEMA = """
CREATE TABLE ZATTACHMENT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSIZEINBYTES INTEGER, ZCREATIONDATE TIMESTAMP, ZCLOUDIDENTIFIER VARCHAR, ZCONTENTTEXT VARCHAR, ZCONTENTURL VARCHAR, ZPHOTOLOCALIDENTIFIER VARCHAR, ZUTI VARCHAR, ZIDENTIFIER BLOB );
CREATE TABLE ZCONTACTS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINCOMINGRECIPIENTCOUNT INTEGER, ZINCOMINGSENDERCOUNT INTEGER, ZOUTGOINGRECIPIENTCOUNT INTEGER, ZCREATIONDATE TIMESTAMP, ZFIRSTINCOMINGRECIPIENTDATE TIMESTAMP, ZFIRSTINCOMINGSENDERDATE TIMESTAMP, ZFIRSTOUTGOINGRECIPIENTDATE TIMESTAMP, ZLASTINCOMINGRECIPIENTDATE TIMESTAMP, ZLASTINCOMINGSENDERDATE TIMESTAMP, ZLASTOUTGOINGRECIPIENTDATE TIMESTAMP, ZCUSTOMIDENTIFIER VARCHAR, ZDISPLAYNAME VARCHAR, ZIDENTIFIER VARCHAR, ZPERSONID VARCHAR );
CREATE TABLE ZINTERACTIONS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZDIRECTION INTEGER, ZISRESPONSE INTEGER, ZMECHANISM INTEGER, ZRECIPIENTCOUNT INTEGER, ZSENDER INTEGER, ZCREATIONDATE TIMESTAMP, ZENDDATE TIMESTAMP, ZSTARTDATE TIMESTAMP, ZACCOUNT VARCHAR, ZBUNDLEID VARCHAR, ZCONTENTURL VARCHAR, ZDERIVEDINTENTIDENTIFIER VARCHAR, ZDOMAINIDENTIFIER VARCHAR, ZGROUPNAME VARCHAR, ZLOCATIONUUID VARCHAR, ZTARGETBUNDLEID VARCHAR, ZUUID VARCHAR );
CREATE TABLE Z_1INTERACTIONS ( Z_1ATTACHMENTS INTEGER, Z_3INTERACTIONS INTEGER, PRIMARY KEY (Z_1ATTACHMENTS, Z_3INTERACTIONS) );
CREATE TABLE Z_2INTERACTIONRECIPIENT ( Z_2RECIPIENTS INTEGER, Z_3INTERACTIONRECIPIENT INTEGER, PRIMARY KEY (Z_2RECIPIENTS, Z_3INTERACTIONRECIPIENT) );
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
"""


class InteractionCDb(_Builder):
    SCHEMA = _INTERACTIONC_SCHEMA
    LOGICAL_PATH = "HomeDomain/Library/CoreDuet/People/interactionC.db"

    def add_contact(self, identifier: str | None, name: str | None = None, **columns: Any) -> int:
        return self.insert("ZCONTACTS", ZIDENTIFIER=identifier, ZDISPLAYNAME=name, **columns)

    def add_interaction(self, *, recipients: Sequence[int] = (), **columns: Any) -> int:
        columns.setdefault("ZRECIPIENTCOUNT", len(recipients))
        interaction = self.insert("ZINTERACTIONS", **columns)
        for contact in recipients:
            self.insert(
                "Z_2INTERACTIONRECIPIENT",
                Z_2RECIPIENTS=contact,
                Z_3INTERACTIONRECIPIENT=interaction,
            )
        return interaction


# --------------------------------------------------------------------------------------------
# Identity services lookups: Library/Preferences/com.apple.identityservices.idstatuscache.plist
# --------------------------------------------------------------------------------------------

IDSTATUSCACHE_PATH = "HomeDomain/Library/Preferences/com.apple.identityservices.idstatuscache.plist"


def idstatuscache(
    directory: Path,
    services: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    logical_path: str = IDSTATUSCACHE_PATH,
    cache_version: int | None = 1,
) -> EvidenceFile:
    """The binary plist identityservicesd keeps: service -> identifier -> {LookupDate, IDStatus},
    beside a `CacheVersion` number (layout as plaso's ios_identityservices plugin reads it)."""
    top: dict[str, Any] = {k: {i: dict(v) for i, v in ids.items()} for k, ids in services.items()}
    if cache_version is not None:
        top["CacheVersion"] = cache_version
    path = Path(directory) / logical_path.replace("/", "_")
    path.write_bytes(plistlib.dumps(top, fmt=plistlib.FMT_BINARY))
    return EvidenceFile(logical_path, path)
