-- the elt_writer role
CREATE ROLE elt_writer;
-- the elt_reader role
CREATE ROLE elt_reader;
-- writers create schemas
GRANT CREATE ON DATABASE analytics TO ROLE elt_writer;
-- concurrent writes to one table are serialized (the default for Serverless is SNAPSHOT)
ALTER DATABASE analytics ISOLATION LEVEL SERIALIZABLE;
-- writers replace each other's views
GRANT DROP VIEW TO ROLE elt_writer;
-- schema dwh, made by the admin
CREATE SCHEMA IF NOT EXISTS dwh;
-- writers use dwh
GRANT USAGE, CREATE ON SCHEMA dwh TO ROLE elt_writer;
-- writers build, alter and drop every table of dwh
GRANT ALL FOR TABLES IN SCHEMA dwh DATABASE analytics TO ROLE elt_writer;
-- schema elt, made by the admin
CREATE SCHEMA IF NOT EXISTS elt;
-- writers use elt
GRANT USAGE, CREATE ON SCHEMA elt TO ROLE elt_writer;
-- writers build, alter and drop every table of elt
GRANT ALL FOR TABLES IN SCHEMA elt DATABASE analytics TO ROLE elt_writer;
-- schema mart, made by the admin
CREATE SCHEMA IF NOT EXISTS mart;
-- writers use mart
GRANT USAGE, CREATE ON SCHEMA mart TO ROLE elt_writer;
-- writers build, alter and drop every table of mart
GRANT ALL FOR TABLES IN SCHEMA mart DATABASE analytics TO ROLE elt_writer;
-- schema staging, made by the admin
CREATE SCHEMA IF NOT EXISTS staging;
-- writers use staging
GRANT USAGE, CREATE ON SCHEMA staging TO ROLE elt_writer;
-- writers build, alter and drop every table of staging
GRANT ALL FOR TABLES IN SCHEMA staging DATABASE analytics TO ROLE elt_writer;
-- readers use dwh
GRANT USAGE ON SCHEMA dwh TO ROLE elt_reader;
-- readers read every table of dwh
GRANT SELECT FOR TABLES IN SCHEMA dwh DATABASE analytics TO ROLE elt_reader;
-- readers use elt
GRANT USAGE ON SCHEMA elt TO ROLE elt_reader;
-- readers read every table of elt
GRANT SELECT FOR TABLES IN SCHEMA elt DATABASE analytics TO ROLE elt_reader;
-- readers use mart
GRANT USAGE ON SCHEMA mart TO ROLE elt_reader;
-- readers read every table of mart
GRANT SELECT FOR TABLES IN SCHEMA mart DATABASE analytics TO ROLE elt_reader;
-- IAMR:olist-airflow-prod writes
GRANT ROLE elt_writer TO "IAMR:olist-airflow-prod";
-- IAMR:olist-bi reads
GRANT ROLE elt_reader TO "IAMR:olist-bi";
