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
  pipeline VARCHAR COLLATE "C" NOT NULL,
  source VARCHAR COLLATE "C" NOT NULL,
  path VARCHAR COLLATE "C" NOT NULL,
  size_bytes BIGINT NOT NULL,
  checksum VARCHAR COLLATE "C" NOT NULL,
  row_count BIGINT NOT NULL,
  batch_date DATE NOT NULL,
  run_id VARCHAR COLLATE "C" NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  load_seq BIGINT,
  PRIMARY KEY (pipeline, source, path)
);

-- framework table run_log
CREATE TABLE IF NOT EXISTS elt.run_log (
  run_id VARCHAR COLLATE "C" NOT NULL,
  pipeline VARCHAR COLLATE "C" NOT NULL,
  step VARCHAR COLLATE "C" NOT NULL,
  status VARCHAR COLLATE "C" NOT NULL,
  rows_inserted BIGINT,
  rows_updated BIGINT,
  rows_expired BIGINT,
  rows_rejected BIGINT,
  started_at TIMESTAMP NOT NULL,
  duration_ms DOUBLE PRECISION,
  error VARCHAR COLLATE "C",
  step_kind VARCHAR COLLATE "C",
  detail VARCHAR COLLATE "C",
  spec_fingerprint VARCHAR COLLATE "C",
  dag_run_id VARCHAR COLLATE "C",
  logical_date TIMESTAMP,
  seq BIGINT,
  keys_affected BIGINT,
  PRIMARY KEY (run_id, step)
);

-- framework table rejects
CREATE TABLE IF NOT EXISTS elt.rejects (
  pipeline VARCHAR COLLATE "C" NOT NULL,
  source VARCHAR COLLATE "C" NOT NULL,
  path VARCHAR COLLATE "C" NOT NULL,
  line BIGINT NOT NULL,
  raw VARCHAR COLLATE "C",
  reason VARCHAR COLLATE "C" NOT NULL,
  batch_date DATE NOT NULL,
  run_id VARCHAR COLLATE "C" NOT NULL,
  column_name VARCHAR COLLATE "C",
  kind VARCHAR COLLATE "C",
  PRIMARY KEY (pipeline, source, batch_date, path, line)
);

-- framework table model_changes
CREATE TABLE IF NOT EXISTS elt.model_changes (
  pipeline VARCHAR COLLATE "C" NOT NULL,
  model VARCHAR COLLATE "C" NOT NULL,
  build_seq BIGINT NOT NULL,
  key VARCHAR COLLATE "C"
);

-- framework table changed_values
CREATE TABLE IF NOT EXISTS elt.changed_values (
  pipeline VARCHAR COLLATE "C" NOT NULL,
  relation VARCHAR COLLATE "C" NOT NULL,
  seq BIGINT NOT NULL,
  column_name VARCHAR COLLATE "C" NOT NULL,
  value VARCHAR COLLATE "C"
);

-- framework table model_builds
CREATE TABLE IF NOT EXISTS elt.model_builds (
  pipeline VARCHAR COLLATE "C" NOT NULL,
  model VARCHAR COLLATE "C" NOT NULL,
  data_fingerprint VARCHAR COLLATE "C" NOT NULL,
  run_id VARCHAR COLLATE "C" NOT NULL,
  built_at TIMESTAMP NOT NULL,
  table_shape VARCHAR COLLATE "C",
  build_seq BIGINT,
  consumed VARCHAR COLLATE "C",
  relation VARCHAR COLLATE "C",
  PRIMARY KEY (pipeline, model, built_at)
);

COMMIT;
