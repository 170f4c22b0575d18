#!/usr/bin/env bash
# Before the first release only: rewrite migrations/versions/0001_initial.py
# from the models, against an empty SQLite database. Once a release has
# shipped, add new migrations with `flask --app festival db migrate` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f migrations/versions/0001_initial.py
DATABASE_URL="sqlite:///$tmp/empty.db" FLASK_DEBUG=1 .venv/bin/flask --app festival \
  db migrate -m "initial schema" --rev-id 0001 >/dev/null 2>&1
mv migrations/versions/0001_initial_schema.py migrations/versions/0001_initial.py
sed -i 's/^Create Date: .*/Create Date: (regenerated from the models)/' migrations/versions/0001_initial.py
echo "migrations/versions/0001_initial.py regenerated"
