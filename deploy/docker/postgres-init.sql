-- One database per service (each service owns its data). Run by the postgres image on the
-- first start with an empty data volume, as POSTGRES_USER (kraftsamla), who owns them.
-- The services create their tables themselves (Alembic migrations on start).
CREATE DATABASE kraftsamla_actors;
CREATE DATABASE kraftsamla_plans;
CREATE DATABASE kraftsamla_assessment;
CREATE DATABASE kraftsamla_reporting;
