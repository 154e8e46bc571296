#!/usr/bin/env bash
# Builds the SMTPKit library's DocC documentation and fails when it is not clean.
#
#   Scripts/docs.sh [extra generate-documentation options]
#
# Fails (exit 1) when
#   - `swift package generate-documentation --target SMTPKit` fails, or prints any warning
#     (an unresolved ``symbol`` link, a parameter left undocumented, a bad topic, ...), or
#   - a public symbol declared in Sources/SMTPKit has no `///` comment (DocC itself does not
#     warn about those; the check reads the symbol graph the plugin extracted).
# Prints how long it took. The archive is left in .build/plugins/Swift-DocC/outputs/.
# Uses the normal .build, so after `swift build` only the symbol graph and DocC run.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

started=$(date +%s.%N)
log=$(mktemp "${TMPDIR:-/tmp}/smtpkit-docs.XXXXXX")
trap 'rm -f "$log"' EXIT

elapsed() { awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
fail() { echo "docs: FAILED after $(elapsed) s: $*" >&2; exit 1; }

echo "== swift package generate-documentation --target SMTPKit"
status=0
swift package generate-documentation --target SMTPKit --warnings-as-errors "$@" 2>&1 | tee "$log" ||
    status=$?
# --warnings-as-errors already turns a warning into a failure; counting them as well keeps
# the script strict should a plugin version print a warning and still exit 0.
warnings=$(grep -cE '(^|[[:space:]])(warning|error):' "$log" || true)
((status == 0)) || fail "DocC exited $status ($warnings warnings/errors above)"
((warnings == 0)) || fail "DocC printed $warnings warnings/errors (see above)"

echo "== public symbols without a doc comment"
graph=$(find .build -path '*/extracted-symbols/*' -name 'SMTPKit.symbols.json' -newer "$log" 2>/dev/null | head -n 1)
[[ -n $graph ]] || graph=$(find .build -path '*/extracted-symbols/*' -name 'SMTPKit.symbols.json' 2>/dev/null | head -n 1)
[[ -n $graph ]] || fail "no SMTPKit.symbols.json under .build to check (did the plugin's layout change?)"
command -v python3 >/dev/null || fail "python3 is needed for the doc-comment check"
python3 - "$graph" <<'EOF' || fail "public symbols without a /// comment (listed above)"
import json, sys
graph = json.load(open(sys.argv[1]))
missing = []
for symbol in graph["symbols"]:
    if symbol.get("accessLevel") not in ("public", "open"):
        continue
    uri = symbol.get("location", {}).get("uri", "")
    if "/Sources/SMTPKit/" not in uri:
        continue  # synthesised, or inherited from a protocol of another module
    doc = symbol.get("docComment")
    if doc and doc.get("module") not in (None, "SMTPKit"):
        doc = None  # a comment inherited from another module's protocol
    if not doc or not "".join(line["text"] for line in doc["lines"]).strip():
        line = symbol["location"]["position"]["line"] + 1
        missing.append(f"  Sources/SMTPKit/{uri.split('/Sources/SMTPKit/', 1)[1]}:{line}: "
                       f"{'.'.join(symbol['pathComponents'])}")
for entry in sorted(missing):
    print(entry)
print(f"{len(missing)} undocumented public symbols")
sys.exit(1 if missing else 0)
EOF

echo "docs: OK in $(elapsed) s, no warnings, every public symbol documented"
