#!/bin/sh
# The role `tessera` serves as (compose.yaml). The postgres image runs this once, when it
# initialises an empty volume, as POSTGRES_USER (the owner of the schema). Its rights are given by
# `tessera migrate --grant-runtime-role tessera_runtime` (the `migrate` service), not here.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=password="$TESSERA_RUNTIME_PASSWORD" <<'SQL'
CREATE ROLE tessera_runtime LOGIN PASSWORD :'password';
SQL
