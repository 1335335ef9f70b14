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
  pipeline VARCHAR(65535) NOT NULL,
  source VARCHAR(65535) NOT NULL,
  path VARCHAR(65535) NOT NULL,
  size_bytes BIGINT NOT NULL,
  checksum VARCHAR(65535) NOT NULL,
  row_count BIGINT NOT NULL,
  batch_date DATE NOT NULL,
  run_id VARCHAR(65535) NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  load_seq BIGINT,
  PRIMARY KEY (pipeline, source, path)
);

-- framework table run_log
CREATE TABLE IF NOT EXISTS elt.run_log (
  run_id VARCHAR(65535) NOT NULL,
  pipeline VARCHAR(65535) NOT NULL,
  step VARCHAR(65535) NOT NULL,
  status VARCHAR(65535) NOT NULL,
  rows_inserted BIGINT,
  rows_updated BIGINT,
  rows_expired BIGINT,
  rows_rejected BIGINT,
  started_at TIMESTAMP NOT NULL,
  duration_ms DOUBLE PRECISION,
  error VARCHAR(65535),
  step_kind VARCHAR(65535),
  detail VARCHAR(65535),
  spec_fingerprint VARCHAR(65535),
  dag_run_id VARCHAR(65535),
  logical_date TIMESTAMP,
  seq BIGINT,
  keys_affected BIGINT,
  PRIMARY KEY (run_id, step)
);

-- framework table rejects
CREATE TABLE IF NOT EXISTS elt.rejects (
  pipeline VARCHAR(65535) NOT NULL,
  source VARCHAR(65535) NOT NULL,
  path VARCHAR(65535) NOT NULL,
  line BIGINT NOT NULL,
  "raw" VARCHAR(65535),
  reason VARCHAR(65535) NOT NULL,
  batch_date DATE NOT NULL,
  run_id VARCHAR(65535) NOT NULL,
  column_name VARCHAR(65535),
  kind VARCHAR(65535),
  PRIMARY KEY (pipeline, source, batch_date, path, line)
);

-- framework table model_changes
CREATE TABLE IF NOT EXISTS elt.model_changes (
  pipeline VARCHAR(65535) NOT NULL,
  model VARCHAR(65535) NOT NULL,
  build_seq BIGINT NOT NULL,
  key VARCHAR(65535)
);

-- framework table changed_values
CREATE TABLE IF NOT EXISTS elt.changed_values (
  pipeline VARCHAR(65535) NOT NULL,
  relation VARCHAR(65535) NOT NULL,
  seq BIGINT NOT NULL,
  column_name VARCHAR(65535) NOT NULL,
  value VARCHAR(65535)
);

-- framework table model_builds
CREATE TABLE IF NOT EXISTS elt.model_builds (
  pipeline VARCHAR(65535) NOT NULL,
  model VARCHAR(65535) NOT NULL,
  data_fingerprint VARCHAR(65535) NOT NULL,
  run_id VARCHAR(65535) NOT NULL,
  built_at TIMESTAMP NOT NULL,
  table_shape VARCHAR(65535),
  build_seq BIGINT,
  consumed VARCHAR(65535),
  relation VARCHAR(65535),
  PRIMARY KEY (pipeline, model, built_at)
);

COMMIT;
