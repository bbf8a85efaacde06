#!/usr/bin/env python3
"""The server's native memory, category by category, second by second, from a JFR recording made with NMT on.

    BENCH_SERVER_JAVA_OPTS="$(the chart's options, as the run prints them) -XX:NativeMemoryTracking=summary" \\
        BENCH_JFR=default BENCH_CASES=submit bench/run.sh
    jfr print --json --events jdk.NativeMemoryUsage,jdk.NativeMemoryUsageTotal bench/out/k8s-cds-1.jfr \\
        | python3 bench/nmt-series.py

Prints one line per second: NMT's committed total and its largest categories, in MiB. NMT does not see what
glibc keeps of freed memory, nor file-backed pages (libjvm, the JDK's modules file), so VmRSS is higher.
"""
import collections
import json
import sys

COLUMNS = ["Java Heap", "Shared class space", "Code", "Metaspace", "Compiler", "Arena Chunk", "Thread Stack", "Class",
           "Symbol", "Internal", "Other", "GC"]

rows = collections.defaultdict(dict)
for event in json.load(sys.stdin)["recording"]["events"]:
    values = event["values"]
    second = values["startTime"][11:19]
    if event["type"] == "jdk.NativeMemoryUsageTotal":
        rows[second]["total"] = values["committed"] >> 20
    else:
        rows[second][values["type"]] = values["committed"] >> 20
print("time     total " + " ".join(c[:10].rjust(10) for c in COLUMNS))
for second in sorted(rows):
    row = rows[second]
    print(second, str(row.get("total", "-")).rjust(5), " ".join(str(row.get(c, "-")).rjust(10) for c in COLUMNS))
