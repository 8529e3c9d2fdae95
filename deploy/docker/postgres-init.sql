-- One database per service (each service owns its data). Run by the postgres image on the
-- first start with an empty data volume, as POSTGRES_USER (kraftsamla), who owns them.
-- The services create their tables themselves (Alembic migrations on start) as kraftsamla
-- (KRAFTSAMLA_DATABASE_ADMIN_URL), then work as kraftsamla_service (KRAFTSAMLA_DATABASE_URL): a role
-- that owns nothing and bypasses nothing, granted reading and writing rows after each migration,
-- and held to row-level security by region.
CREATE ROLE kraftsamla_service LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS
    PASSWORD 'kraftsamla_service';
CREATE DATABASE kraftsamla_actors;
CREATE DATABASE kraftsamla_plans;
CREATE DATABASE kraftsamla_assessment;
CREATE DATABASE kraftsamla_reporting;
