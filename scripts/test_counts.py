#!/usr/bin/env python3
"""test_counts.py trx|junit FILE: prints "passed failed skipped" of one test report, read as XML.

trx: dotnet test's TRX report (its ResultSummary counters; whatever did not pass or fail, such as
a skipped test, counts as skipped). junit: ctest --output-junit's report (its testsuite totals).
"""
import sys
import xml.etree.ElementTree as ET

def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("trx", "junit"):
        print("usage: test_counts.py trx|junit FILE", file=sys.stderr)
        return 2
    root = ET.parse(sys.argv[2]).getroot()
    if sys.argv[1] == "trx":
        ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
        counters = root.find("t:ResultSummary/t:Counters", ns)
        total, passed, failed = (int(counters.get(k)) for k in ("total", "passed", "failed"))
        print(passed, failed, total - passed - failed)
    else:
        suite = root if root.tag == "testsuite" else root.find("testsuite")
        total, failed, skipped, disabled = (int(suite.get(k, "0")) for k in ("tests", "failures", "skipped", "disabled"))
        print(total - failed - skipped - disabled, failed, skipped + disabled)
    return 0

if __name__ == "__main__":
    sys.exit(main())
