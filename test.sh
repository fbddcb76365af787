#!/usr/bin/env bash
# Runs every test: grain tests (TestCluster), gateway tests, protocol clients and end-to-end tests
# against real processes (browser tests in Chromium included), and the browser client's unit tests.
# Installs missing prerequisites first.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-test-prerequisites.sh

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Orleans.Uploads.sln --logger "trx" --results-directory "$results" "$@" || status=$?

# The browser client's unit tests (Vitest). The gateway's build above ran npm ci in clients/js; run it here when that
# build was skipped or failed, so these tests still run and report.
if [ ! -d clients/js/node_modules ]; then
  (cd clients/js && npm ci --no-audit --no-fund --loglevel=error) || status=1
fi
(cd clients/js && npx vitest run --reporter=default --reporter=junit --outputFile.junit="$results/clients-js.junit.xml") || status=1

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
for path in glob.glob(sys.argv[1] + "/*.junit.xml"):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        total, failures = int(suite.get("tests", 0)), int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skips = int(suite.get("skipped", 0))
        passed += total - failures - skips
        failed += failures
        skipped += skips
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
