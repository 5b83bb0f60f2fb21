#!/bin/sh
# Remakes hualien.docx and hualien.odt from hualien.fodt with LibreOffice, as a newsroom's
# word processor would save them (tests/test_office.py reads them; CI needs no LibreOffice).
# Needs soffice (Debian: apt-get install --no-install-recommends libreoffice-writer).
# Run from anywhere: sh tests/data/office/make.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# A profile of its own: nothing from the user's LibreOffice settings gets into the files,
# and a LibreOffice already open does not take the conversion over.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for target in 'docx:MS Word 2007 XML' odt; do
    soffice -env:UserInstallation="file://$profile" --headless --convert-to "$target" \
        --outdir "$here" "$here/hualien.fodt"
done
