-- Run once by the postgres image, on its first start with an empty volume
-- (/docker-entrypoint-initdb.d). One database per service, never shared
-- tables; each service creates its own schema in its database at start.
CREATE DATABASE orders;
CREATE DATABASE payments;
CREATE DATABASE notifications;
CREATE DATABASE gateway;
