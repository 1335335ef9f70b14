-- step setup
-- after: (nothing)
BEGIN;

-- schema dwh
CREATE SCHEMA IF NOT EXISTS dwh;

-- schema elt
CREATE SCHEMA IF NOT EXISTS elt;

-- schema mart
CREATE SCHEMA IF NOT EXISTS mart;

-- schema staging
CREATE SCHEMA IF NOT EXISTS staging;

-- framework table file_ledger
CREATE TABLE IF NOT EXISTS elt.file_ledger (
  pipeline VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  path VARCHAR NOT NULL,
  size_bytes BIGINT NOT NULL,
  checksum VARCHAR NOT NULL,
  row_count BIGINT NOT NULL,
  batch_date DATE NOT NULL,
  run_id VARCHAR NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  load_seq BIGINT,
  PRIMARY KEY (pipeline, source, path)
);

-- framework table run_log
CREATE TABLE IF NOT EXISTS elt.run_log (
  run_id VARCHAR NOT NULL,
  pipeline VARCHAR NOT NULL,
  step VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  rows_inserted BIGINT,
  rows_updated BIGINT,
  rows_expired BIGINT,
  rows_rejected BIGINT,
  started_at TIMESTAMP NOT NULL,
  duration_ms DOUBLE PRECISION,
  error VARCHAR,
  step_kind VARCHAR,
  detail VARCHAR,
  spec_fingerprint VARCHAR,
  dag_run_id VARCHAR,
  logical_date TIMESTAMP,
  seq BIGINT,
  keys_affected BIGINT,
  PRIMARY KEY (run_id, step)
);

-- framework table rejects
CREATE TABLE IF NOT EXISTS elt.rejects (
  pipeline VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  path VARCHAR NOT NULL,
  line BIGINT NOT NULL,
  raw VARCHAR,
  reason VARCHAR NOT NULL,
  batch_date DATE NOT NULL,
  run_id VARCHAR NOT NULL,
  column_name VARCHAR,
  kind VARCHAR,
  PRIMARY KEY (pipeline, source, batch_date, path, line)
);

-- framework table model_changes
CREATE TABLE IF NOT EXISTS elt.model_changes (
  pipeline VARCHAR NOT NULL,
  model VARCHAR NOT NULL,
  build_seq BIGINT NOT NULL,
  key VARCHAR
);

-- framework table changed_values
CREATE TABLE IF NOT EXISTS elt.changed_values (
  pipeline VARCHAR NOT NULL,
  relation VARCHAR NOT NULL,
  seq BIGINT NOT NULL,
  column_name VARCHAR NOT NULL,
  value VARCHAR
);

-- framework table model_builds
CREATE TABLE IF NOT EXISTS elt.model_builds (
  pipeline VARCHAR NOT NULL,
  model VARCHAR NOT NULL,
  data_fingerprint VARCHAR NOT NULL,
  run_id VARCHAR NOT NULL,
  built_at TIMESTAMP NOT NULL,
  table_shape VARCHAR,
  build_seq BIGINT,
  consumed VARCHAR,
  PRIMARY KEY (pipeline, model, built_at)
);

COMMIT;
