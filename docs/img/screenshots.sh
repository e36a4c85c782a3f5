#!/usr/bin/env sh
# Makes the README's screenshots of the HTML reports (needs Debian's chromium and fonts-noto-cjk):
#   sh docs/img/screenshots.sh
# from the repository root. Writes docs/img/score.png (the score report of the seed county
# 郓城县, 2018) and docs/img/uncertainty.png (rank intervals and Sobol indices of the five seed
# counties) and docs/img/audit.png (the audit of the seed and synthetic fixture counties), each
# the first screen of the page at 1000 × 1300 px.
set -eu
out=$(mktemp -d)
cargo run --quiet -- score --format html --out "$out/score.html" fixtures/counties/yuncheng-2018.yaml
cargo run --quiet -- uncertainty --runs 1000 --noise 1=0.25 --sensitivity 256 --format html \
  --out "$out/uncertainty.html" fixtures/counties >/dev/null
cargo run --quiet -- audit --format html --out "$out/audit.html" fixtures/counties fixtures/synthetic
for page in score uncertainty audit; do
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$out/profile-$page" --hide-scrollbars --window-size=1000,1300 \
    --screenshot="docs/img/$page.png" "file://$out/$page.html" 2>/dev/null
done
rm -rf "$out"
ls -l docs/img/*.png
