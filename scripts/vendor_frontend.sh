#!/usr/bin/env bash
# Fetch the front-end files the portal ships from the npm registry, once, into static/ (and the
# axe-core rules the browser tests inject into tests/browser/vendor/). The running portal needs no
# Node and no CDN: the copied files are committed. Rerun to upgrade: change a version below.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DS_CSS_VERSION=1.22.0        # @digdir/designsystemet-css (components + default theme)
DS_WEB_VERSION=1.22.0        # @digdir/designsystemet-web (behaviour: error summary, fields, …)
INTER_VERSION=5.3.0          # @fontsource/inter (SIL Open Font License 1.1)
AXE_VERSION=4.14.1           # axe-core (tests only)
HTMX_VERSION=2.0.11          # htmx.org

work=$(mktemp -d /tmp/vendor_frontend.XXXXXX)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch <package@version> <dir>: unpack an npm tarball into $work/<dir>
  mkdir -p "$work/$2"
  (cd "$work" && npm pack --silent "$1" >"$2.name")
  tar xzf "$work/$(cat "$work/$2.name")" -C "$work/$2" --strip-components=1
}

fetch "@digdir/designsystemet-css@$DS_CSS_VERSION" ds-css
fetch "@digdir/designsystemet-web@$DS_WEB_VERSION" ds-web
fetch "@fontsource/inter@$INTER_VERSION" inter
fetch "axe-core@$AXE_VERSION" axe
fetch "htmx.org@$HTMX_VERSION" htmx

ds="$ROOT/static/vendor/designsystemet"
rm -rf "$ds" && mkdir -p "$ds"
cp "$work/ds-css/dist/src/index.css" "$ds/designsystemet.css"
cp "$work/ds-css/dist/theme/designsystemet.css" "$ds/theme.css"
cp "$work/ds-css/LICENSE" "$ds/LICENSE"
# The source map is not shipped, so its reference goes too: the hashed-name static storage
# (STATIC_MANIFEST=1, the Docker image) refuses a file that names a missing one.
sed '/^\/\/# sourceMappingURL=/d' "$work/ds-web/dist/umd/index.js" >"$ds/designsystemet-web.js"
cp "$work/ds-web/LICENSE" "$ds/LICENSE-web"

mkdir -p "$ROOT/static/vendor/htmx"
cp "$work/htmx/dist/htmx.min.js" "$ROOT/static/vendor/htmx/htmx.min.js"
cp "$work/htmx/LICENSE" "$ROOT/static/vendor/htmx/LICENSE"

mkdir -p "$ROOT/tests/browser/vendor"
cp "$work/axe/axe.min.js" "$ROOT/tests/browser/vendor/axe.min.js"
cp "$work/axe/LICENSE" "$ROOT/tests/browser/vendor/LICENSE-axe-core"

# Inter: only the weights the design system and the portal use, Latin and Latin Extended
# (covers æ, ø, å and the Sámi letters), as woff2. The @font-face rules come from fontsource's own
# CSS so the unicode ranges stay right.
fonts="$ROOT/static/fonts"
rm -rf "$fonts" && mkdir -p "$fonts"
cp "$work/inter/LICENSE" "$fonts/LICENSE-Inter-OFL.txt"
{
  echo "/* Inter $INTER_VERSION (@fontsource/inter), SIL Open Font License 1.1: see LICENSE-Inter-OFL.txt */"
  for weight in 400 500 600 700; do
    for subset in latin-ext latin; do
      file="inter-$subset-$weight-normal.woff2"
      cp "$work/inter/files/$file" "$fonts/$file"
      range=$(awk -v name="/* inter-$subset-$weight-normal */" '
        $0 == name { found = 1 } found && /unicode-range/ { sub(/.*unicode-range: */, ""); sub(/;.*/, ""); print; exit }
      ' "$work/inter/$weight.css")
      printf '@font-face {\n  font-family: "Inter";\n  font-style: normal;\n  font-display: swap;\n  font-weight: %s;\n  src: url("%s") format("woff2");\n  unicode-range: %s;\n}\n' \
        "$weight" "$file" "$range"
    done
  done
} >"$fonts/inter.css"

cat >"$ROOT/static/vendor/VERSIONS.md" <<MD
# Vendored front-end files

Fetched from the npm registry by \`scripts/vendor_frontend.sh\` (edit the versions there and rerun).
The portal serves these files itself; nothing is loaded from a CDN at run time.

| package | version | licence | files |
| --- | --- | --- | --- |
| @digdir/designsystemet-css | $DS_CSS_VERSION | MIT | static/vendor/designsystemet/designsystemet.css (dist/src/index.css), theme.css (dist/theme/designsystemet.css, the default theme) |
| @digdir/designsystemet-web | $DS_WEB_VERSION | MIT | static/vendor/designsystemet/designsystemet-web.js (dist/umd/index.js) |
| @fontsource/inter | $INTER_VERSION | SIL OFL 1.1 | static/fonts/ (woff2, weights 400/500/600/700, latin + latin-ext), inter.css |
| htmx.org | $HTMX_VERSION | 0BSD | static/vendor/htmx/htmx.min.js |
| axe-core | $AXE_VERSION | MPL-2.0 | tests/browser/vendor/axe.min.js (browser tests only, not served) |

@digdir/designsystemet-theme is not used: it is deprecated in favour of the theme that
@digdir/designsystemet-css ships (theme.css above).
MD
echo "Vendored into static/vendor, static/fonts and tests/browser/vendor."
