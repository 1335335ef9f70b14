-- the elt_writer role
CREATE ROLE elt_writer NOLOGIN;
-- the elt_reader role
CREATE ROLE elt_reader NOLOGIN;
-- writers create schemas
GRANT CREATE ON DATABASE analytics TO elt_writer;
-- schema dwh, made by the admin
CREATE SCHEMA IF NOT EXISTS dwh;
-- writers use dwh
GRANT USAGE, CREATE ON SCHEMA dwh TO elt_writer;
-- schema elt, made by the admin
CREATE SCHEMA IF NOT EXISTS elt;
-- writers use elt
GRANT USAGE, CREATE ON SCHEMA elt TO elt_writer;
-- schema mart, made by the admin
CREATE SCHEMA IF NOT EXISTS mart;
-- writers use mart
GRANT USAGE, CREATE ON SCHEMA mart TO elt_writer;
-- schema staging, made by the admin
CREATE SCHEMA IF NOT EXISTS staging;
-- writers use staging
GRANT USAGE, CREATE ON SCHEMA staging TO elt_writer;
-- readers use dwh
GRANT USAGE ON SCHEMA dwh TO elt_reader;
-- readers read the tables of dwh
GRANT SELECT ON ALL TABLES IN SCHEMA dwh TO elt_reader;
-- and those made later
ALTER DEFAULT PRIVILEGES FOR ROLE elt_writer IN SCHEMA dwh GRANT SELECT ON TABLES TO elt_reader;
-- readers use elt
GRANT USAGE ON SCHEMA elt TO elt_reader;
-- readers read the tables of elt
GRANT SELECT ON ALL TABLES IN SCHEMA elt TO elt_reader;
-- and those made later
ALTER DEFAULT PRIVILEGES FOR ROLE elt_writer IN SCHEMA elt GRANT SELECT ON TABLES TO elt_reader;
-- readers use mart
GRANT USAGE ON SCHEMA mart TO elt_reader;
-- readers read the tables of mart
GRANT SELECT ON ALL TABLES IN SCHEMA mart TO elt_reader;
-- and those made later
ALTER DEFAULT PRIVILEGES FOR ROLE elt_writer IN SCHEMA mart GRANT SELECT ON TABLES TO elt_reader;
-- IAMR:olist-airflow-prod writes
GRANT elt_writer TO "IAMR:olist-airflow-prod";
-- IAMR:olist-airflow-prod acts as elt_writer
ALTER ROLE "IAMR:olist-airflow-prod" SET role TO elt_writer;
-- IAMR:olist-bi reads
GRANT elt_reader TO "IAMR:olist-bi";
