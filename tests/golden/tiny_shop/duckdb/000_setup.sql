-- step setup
-- after: (nothing)
BEGIN;

-- schema dwh
CREATE SCHEMA IF NOT EXISTS dwh;

-- schema elt
CREATE SCHEMA IF NOT EXISTS elt;

-- schema staging
CREATE SCHEMA IF NOT EXISTS staging;

-- framework table file_ledger
CREATE TABLE IF NOT EXISTS elt.file_ledger (
  pipeline TEXT NOT NULL,
  source TEXT NOT NULL,
  path TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  checksum TEXT NOT NULL,
  row_count BIGINT NOT NULL,
  batch_date DATE NOT NULL,
  run_id TEXT NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  load_seq BIGINT
);

-- framework table run_log
CREATE TABLE IF NOT EXISTS elt.run_log (
  run_id TEXT NOT NULL,
  pipeline TEXT NOT NULL,
  step TEXT NOT NULL,
  status TEXT NOT NULL,
  rows_inserted BIGINT,
  rows_updated BIGINT,
  rows_expired BIGINT,
  rows_rejected BIGINT,
  started_at TIMESTAMP NOT NULL,
  duration_ms DOUBLE,
  error TEXT,
  step_kind TEXT,
  detail TEXT,
  spec_fingerprint TEXT,
  dag_run_id TEXT,
  logical_date TIMESTAMP,
  seq BIGINT,
  keys_affected BIGINT
);

-- framework table rejects
CREATE TABLE IF NOT EXISTS elt.rejects (
  pipeline TEXT NOT NULL,
  source TEXT NOT NULL,
  path TEXT NOT NULL,
  line BIGINT NOT NULL,
  raw TEXT,
  reason TEXT NOT NULL,
  batch_date DATE NOT NULL,
  run_id TEXT NOT NULL,
  column_name TEXT,
  kind TEXT
);

-- framework table model_changes
CREATE TABLE IF NOT EXISTS elt.model_changes (
  pipeline TEXT NOT NULL,
  model TEXT NOT NULL,
  build_seq BIGINT NOT NULL,
  key TEXT
);

-- framework table changed_values
CREATE TABLE IF NOT EXISTS elt.changed_values (
  pipeline TEXT NOT NULL,
  relation TEXT NOT NULL,
  seq BIGINT NOT NULL,
  column_name TEXT NOT NULL,
  value TEXT
);

-- framework table model_builds
CREATE TABLE IF NOT EXISTS elt.model_builds (
  pipeline TEXT NOT NULL,
  model TEXT NOT NULL,
  data_fingerprint TEXT NOT NULL,
  run_id TEXT NOT NULL,
  built_at TIMESTAMP NOT NULL,
  table_shape TEXT,
  build_seq BIGINT,
  consumed TEXT,
  relation TEXT
);

COMMIT;
