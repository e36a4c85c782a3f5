#!/usr/bin/env python3
"""`fazhi serve` under a hostile mix (issue 23), for BENCHMARKS.md.

Starts `FAZHI serve` with the mini rule set made hostile (every expression an endless loop, as in
tests/common/mod.rs) beside the built-in one, then sends, phase by phase:

  unknown  4 concurrent single-county bodies of ~1.1 MB, each 40,000 unknown fields (400)
  timeout  2 concurrent batches of 1,000 counties under the hostile rules, over --timeout (503)
  gone     2 such batches whose clients close the connection after 0.5 s
  huge     4 bodies over --body-limit (413)
  sigterm  2 such batches and 2 unknown-field bodies in flight on a server with --timeout 600,
           then SIGTERM: the time until the process exits

and reads the server's CPU time from /proc after each phase: how long after the last answer the
server kept a core busy (it is idle once it used < 2% of a core over 0.5 s). Standard library
only. Usage: tools/hostile_mix.py path/to/fazhi [--timeout S] [--grace S]
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def hostile_rules(dst):
    """tests/rules/mini with every `score:` (block or one line) an endless loop."""
    src = os.path.join(ROOT, "tests/rules/mini")
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".yaml"):
                continue
            out, block = [], None
            for line in open(os.path.join(dirpath, f), encoding="utf-8").read().split("\n"):
                indent = len(line) - len(line.lstrip())
                if block is not None:
                    if indent > block and line.strip():
                        continue
                    block = None
                m = re.match(r"(\s*)score:(.*)$", line)
                if m:
                    out.append(m.group(1) + 'score: "let x = 0; loop { x += 1; }"')
                    if m.group(2).strip() == "|":
                        block = indent
                    continue
                out.append(line)
            rel = os.path.relpath(os.path.join(dirpath, f), src)
            os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
            open(os.path.join(dst, rel), "w", encoding="utf-8").write("\n".join(out))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def settle(pid, since):
    """Seconds from `since` until the server is idle (< 2% of a core over 0.5 s)."""
    while True:
        a = cpu_seconds(pid)
        time.sleep(0.5)
        b = cpu_seconds(pid)
        if b - a < 0.01:
            return time.monotonic() - 0.5 - since
        if time.monotonic() - since > 600:
            return float("inf")


def post(port, path, body, timeout=600):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("POST", path, body=body, headers={"content-type": "application/json"})
        r = c.getresponse()
        return r.status, len(r.read())
    except Exception as e:  # a closed connection is an answer too
        return type(e).__name__, 0
    finally:
        c.close()


def concurrently(n, f):
    out = [None] * n
    ts = [threading.Thread(target=lambda i=i: out.__setitem__(i, f())) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def main():
    fazhi = sys.argv[1]
    timeout = sys.argv[sys.argv.index("--timeout") + 1] if "--timeout" in sys.argv else "2"
    # --grace is new with issue 23: left out for a binary from before it.
    grace = sys.argv[sys.argv.index("--grace") + 1] if "--grace" in sys.argv else None
    tmp = tempfile.mkdtemp()
    rules = os.path.join(tmp, "hostile")
    hostile_rules(rules)
    mini = {
        "county": {"id": "c", "name": "示例县"},
        "data": {"litigation": {"head_appearance_rate": 96.5, "cases": 12},
                 "org.has_plan": True},
    }
    batch = json.dumps({"counties": [dict(mini, county={"id": f"c{i}", "name": "示例县"})
                                     for i in range(1000)]})
    unknown = json.dumps({"county": {"id": "x", "name": "某县"},
                          "data": {f"zz.unknown_field_{i}": i for i in range(40_000)}})
    huge = "[" + " " * (5 * 1024 * 1024) + "]"

    def start(timeout):
        p = subprocess.Popen(
            [fazhi, "serve", "--addr", "127.0.0.1:0", "--rules", rules, "--timeout", timeout]
            + (["--grace", grace] if grace else []),
            stderr=subprocess.PIPE, text=True, env=dict(os.environ, RUST_LOG="warn"))
        line = p.stderr.readline()
        port = int(re.search(r":(\d+) ", line).group(1))
        threading.Thread(target=lambda: [None for _ in p.stderr], daemon=True).start()
        return p, port

    p, port = start(timeout)
    print(f"fazhi serve --timeout {timeout} --grace {grace}; unknown body {len(unknown)} bytes, "
          f"batch body {len(batch)} bytes")
    phases = [
        ("unknown", lambda: concurrently(4, lambda: post(port, "/rulesets/national-2021/score", unknown))),
        ("timeout", lambda: concurrently(2, lambda: post(port, "/rulesets/mini/rank", batch))),
        ("gone", lambda: concurrently(2, lambda: post(port, "/rulesets/mini/score", batch, timeout=0.5))),
        ("huge", lambda: concurrently(4, lambda: post(port, "/rulesets/national-2021/score", huge))),
    ]
    for name, run in phases:
        cpu0, t0 = cpu_seconds(p.pid), time.monotonic()
        answers = run()
        answered = time.monotonic()
        idle_after = settle(p.pid, answered)
        print(f"  {name:8} answers {sorted(set(map(str, (a[0] for a in answers))))} in "
              f"{answered - t0:.2f} s; server CPU {cpu_seconds(p.pid) - cpu0:.2f} s; "
              f"idle {idle_after:.2f} s after the last answer")
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)
    # SIGTERM with work in flight: a server whose time limit (600 s) leaves the grace period to
    # decide.
    p, port = start("600")
    threads = [threading.Thread(target=post, args=(port, "/rulesets/mini/score", batch))
               for _ in range(2)]
    threads += [threading.Thread(target=post, args=(port, "/rulesets/national-2021/score", unknown))
                for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    try:
        code = p.wait(timeout=120)
        print(f"  sigterm  exited {code} {time.monotonic() - t0:.2f} s after SIGTERM "
              f"(--grace {grace})")
    except subprocess.TimeoutExpired:
        p.kill()
        print("  sigterm  still running 120 s after SIGTERM: killed")
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
