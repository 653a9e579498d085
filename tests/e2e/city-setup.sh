# Sourced by the fixture-city cases: import tests/fixtures/city into $T/city.sqlite.
# The expectations in those cases were computed by hand (see tests/fixtures/city/README.md).
set -e
export ORGCOVER_DB="$T/city.sqlite"
for l in districts streets communities; do
    $OC -q import $l "$FIX/city/$l.geojson" > /dev/null
done
$OC -q import organizations "$FIX/city/organizations.csv" > /dev/null
set +e
