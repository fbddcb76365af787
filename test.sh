#!/usr/bin/env bash
# Runs every test: grain tests (TestCluster), gateway tests, protocol clients and end-to-end tests
# against real processes. Installs missing prerequisites first.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-test-prerequisites.sh

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Orleans.Uploads.sln --logger "trx" --results-directory "$results" "$@" || status=$?

# One closing line for the whole suite, summed over the test assemblies.
python3 - "$results" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
