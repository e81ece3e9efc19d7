// Tables of the feed store. A feed is kept as snapshots (one per distinct content, keyed by name and the
// SHA-256 of the raw bytes); entries live in one table per entry shape, tagged with their snapshot id.
import type { DuckDBConnection } from '@duckdb/node-api';

// No foreign keys from the entry tables to feed_snapshot: DuckDB would check each appended row against the
// index, and the only writer (feed-store.ts) inserts a snapshot and its entries in one transaction.
const DDL = [
  `CREATE SEQUENCE IF NOT EXISTS feed_snapshot_id_seq START 1`,
  `CREATE TABLE IF NOT EXISTS feed_snapshot (
     id INTEGER PRIMARY KEY DEFAULT nextval('feed_snapshot_id_seq'),
     name VARCHAR NOT NULL,
     kind VARCHAR NOT NULL,            -- toplist | blocklist | botnet | ct-fingerprints | cert-blocklist | ct-log-list
     format VARCHAR NOT NULL,          -- parser used (rank-csv, feodo-csv, ...)
     source VARCHAR NOT NULL,          -- URL or absolute file path
     fetched_at TIMESTAMP NOT NULL,    -- UTC: when this content was first downloaded or imported
     last_seen_at TIMESTAMP NOT NULL,  -- UTC: when this same content was last downloaded or imported again
     feed_date TIMESTAMP,              -- UTC: when the feed says it was generated
     feed_date_from VARCHAR,           -- where feed_date comes from: content | http | file-name
     sha256 VARCHAR NOT NULL,          -- of the raw bytes as downloaded or read (before gunzip/unzip)
     bytes BIGINT NOT NULL,
     entries INTEGER NOT NULL,
     rejected INTEGER NOT NULL,
     ignored INTEGER NOT NULL,
     duplicates INTEGER NOT NULL,
     etag VARCHAR,
     last_modified VARCHAR,
     UNIQUE (name, sha256)
   )`,
  // top lists, blocklists, botnet names; registrable from the Public Suffix List (ICANN section)
  `CREATE TABLE IF NOT EXISTS feed_domain (
     snapshot_id INTEGER NOT NULL,
     domain VARCHAR NOT NULL,
     registrable VARCHAR,
     rank INTEGER,
     family VARCHAR,
     detail VARCHAR,
     from_url BOOLEAN NOT NULL
   )`,
  // addresses and networks; lo..hi inclusive: IPv4 as its 32-bit value, IPv6 as its 128-bit value
  `CREATE TABLE IF NOT EXISTS feed_ip (
     snapshot_id INTEGER NOT NULL,
     network VARCHAR NOT NULL,
     version TINYINT NOT NULL,
     lo UHUGEINT NOT NULL,
     hi UHUGEINT NOT NULL,
     port INTEGER,
     family VARCHAR,
     detail VARCHAR,
     from_url BOOLEAN NOT NULL
   )`,
  // certificate fingerprints, lowercase hex without separators; exactly one of sha1/sha256 is set
  `CREATE TABLE IF NOT EXISTS feed_cert (
     snapshot_id INTEGER NOT NULL,
     sha1 VARCHAR,
     sha256 VARCHAR,
     reason VARCHAR
   )`,
  // CT logs of a log list (Chrome v3 or Apple): key is the DER SubjectPublicKeyInfo in base64, log_id its
  // SHA-256 in base64 (checked at import); times as the list writes them (ISO 8601)
  `CREATE TABLE IF NOT EXISTS feed_ct_log (
     snapshot_id INTEGER NOT NULL,
     log_id VARCHAR NOT NULL,
     key VARCHAR NOT NULL,
     description VARCHAR NOT NULL,
     operator VARCHAR NOT NULL,
     api VARCHAR NOT NULL,             -- rfc6962 | static-ct
     state VARCHAR,
     state_since VARCHAR,
     interval_start VARCHAR,
     interval_end VARCHAR,
     url VARCHAR,
     log_type VARCHAR
   )`,
  // the version a feed states about itself (a CT log list's "version"); a side table so that stores made
  // before it existed still read
  `CREATE TABLE IF NOT EXISTS feed_snapshot_version (
     snapshot_id INTEGER NOT NULL,
     version VARCHAR NOT NULL
   )`,
  // the first rejected lines of each snapshot (text shortened and escaped: feed content is untrusted)
  `CREATE TABLE IF NOT EXISTS feed_rejected (
     snapshot_id INTEGER NOT NULL,
     line INTEGER NOT NULL,
     reason VARCHAR NOT NULL,
     text VARCHAR NOT NULL
   )`,
  // every download attempt, for minimum fetch intervals and for the record
  `CREATE TABLE IF NOT EXISTS feed_fetch_log (
     name VARCHAR NOT NULL,
     url VARCHAR NOT NULL,
     attempted_at TIMESTAMP NOT NULL,
     outcome VARCHAR NOT NULL,         -- imported | unchanged | not-modified | failed
     http_status INTEGER,
     bytes BIGINT,
     message VARCHAR,
     snapshot_id INTEGER
   )`,
  // download sources the user added by URL (the built-in catalogue is in sources.ts)
  `CREATE TABLE IF NOT EXISTS feed_source (
     name VARCHAR PRIMARY KEY,
     kind VARCHAR NOT NULL,
     format VARCHAR,
     url VARCHAR NOT NULL,
     min_interval_s BIGINT NOT NULL,
     max_bytes BIGINT NOT NULL,
     added_at TIMESTAMP NOT NULL
   )`,
];

export async function ensureFeedTables(conn: DuckDBConnection): Promise<void> {
  for (const sql of DDL) await conn.run(sql);
}
