#!/usr/bin/env python3
"""run.py: the reconciler benchmarks. Starts moto, the MediaConvert stand-in and, per latency, two fault
proxies (each one before both moto and the stand-in, adding a fixed latency per request), all on
127.0.0.1, and for each stack (examples/video-pipeline.yaml; generated specs of 10, 100, 1000 resources) and
each latency measures, in separate processes: `vidpipe apply` from nothing, a no-op `vidpipe plan`, `vidpipe
destroy` (wall time, API calls counted by the proxy, peak RSS and CPU time from GNU time), the floor (the
no-op plan's recorded requests replayed by tests/bench/floor at the same parallelism) and the boto3 peers
(tests/bench/peer_boto3.py, one by one and with 10 threads). Everything it started is stopped on exit.
Usage: run.py --build BUILD --out results.json [--sizes 10,100,1000] [--latencies 0,30] [--quick]
"""
import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from loopback import free_port, wait_http

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARALLELISM = 10
PAGE_KEY = "0123456789abcdef0123456789abcdef-bench-page-token"


class Servers:
    """moto, the stand-in and the proxies; stop() ends exactly the processes started here."""

    def __init__(self, tmp):
        self.tmp, self.procs = tmp, []

    def start(self, args, name):
        log = open(os.path.join(self.tmp, name + ".log"), "w")
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True)
        self.procs.append(p)
        return p

    def moto(self):
        port = free_port()
        p = self.start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], "moto")
        p.stdout.close()
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/moto-api/")
        return url

    def standin(self):
        p = self.start([sys.executable, os.path.join(ROOT, "tests/fixtures/mediaconvert_standin.py")], "standin")
        url = "http://127.0.0.1:" + p.stdout.readline().strip()
        wait_http(url + "/_standin/health")
        return url

    def proxy(self, upstream, mc_upstream, latency_ms, name):
        """One proxy before both: MediaConvert's paths (/2017-08-29/) go to the stand-in, the rest to moto."""
        p = self.start([sys.executable, os.path.join(ROOT, "tests/fixtures/fault_proxy.py"), "--upstream", upstream,
                        "--route", "/2017-08-29/=" + mc_upstream, "--latency-ms", str(latency_ms)], name)
        url = "http://127.0.0.1:" + p.stdout.readline().strip()
        wait_http(url + "/_fault/stats")
        return url

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def proxy_requests(url):
    return json.load(urllib.request.urlopen(url + "/_fault/stats"))["requests"]


def post(url, body):
    urllib.request.urlopen(urllib.request.Request(url, data=body.encode(), method="POST")).read()


def measure(args, env, cwd, proxies):
    """Runs one process; returns wall ms, API calls (through the proxies), peak RSS (MB), CPU ms, exit, output."""
    before = sum(proxy_requests(u) for u in proxies)
    out = tempfile.TemporaryFile()
    # A child of this Python (fork or vfork alike) starts in this Python's memory, and Linux keeps that
    # high-water mark across exec, so its peak RSS would read about 48 MB whatever it is. GNU time's child
    # starts from time's own small memory: its %M is the command's peak (sh execs the command).
    usage = os.path.join(cwd, ".usage")
    argv = ["/usr/bin/time", "-f", "%M %U %S", "-o", usage, "/bin/sh", "-c", 'cd "$0" && exec "$@"', cwd, *args]
    acts = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, out.fileno(), 2)]
    start = time.monotonic()
    pid = os.posix_spawn("/usr/bin/time", argv, env, file_actions=acts)
    _, status, _ = os.wait4(pid, 0)
    wall = (time.monotonic() - start) * 1000
    code = os.waitstatus_to_exitcode(status)
    rss_kb, user_s, sys_s = open(usage).read().split()[-3:]
    out.seek(0)
    text = out.read().decode(errors="replace")
    calls = sum(proxy_requests(u) for u in proxies) - before
    return {"wall_ms": round(wall, 1), "calls": calls, "rss_mb": round(int(rss_kb) / 1024, 1),
            "cpu_ms": round((float(user_s) + float(sys_s)) * 1000, 1), "exit": code, "output": text}


def summary(runs):
    walls = [r["wall_ms"] for r in runs]
    return {"n": len(runs), "best_ms": min(walls), "median_ms": statistics.median(walls), "raw_ms": walls,
            "calls": runs[0]["calls"], "rss_mb": max(r["rss_mb"] for r in runs),
            "cpu_ms": statistics.median(r["cpu_ms"] for r in runs)}


def check(run, what, want_exit=0):
    if run["exit"] != want_exit:
        raise RuntimeError(f"{what} exited {run['exit']}:\n{run['output'][-3000:]}")
    return run


def bench_stack(label, n_resources, spec, vargs, lat, urls, env, opts, tmp):
    """One stack at one latency: repeat cycles of apply, plans, floor, peers, destroy."""
    vidpipe, floor = opts.vidpipe, opts.floor
    proxies = [urls["proxy"]]
    big = n_resources >= 1000
    cycles = 1 if n_resources >= 100 or opts.quick else 3
    plans = 2 if big else 3 if n_resources >= 100 or opts.quick else 5
    res = {"stack": label, "resources": n_resources, "latency_ms": lat}
    applies, destroys, plan_runs, floor_runs, floor_proc, seq, thr = [], [], [], [], [], [], []
    for cycle in range(cycles):
        work = os.path.join(tmp, f"{label}-l{lat}-c{cycle}")
        os.makedirs(work)
        stack = f"b{lat}c{cycle}{label}"
        s = spec(stack, work)
        a = vargs(stack)
        applies.append(check(measure([vidpipe, "apply", s, *a, "--auto-approve"], env, work, proxies), "apply"))
        for i in range(plans):
            rec = os.path.join(tmp, f"{label}-l{lat}.jsonl")
            if cycle == 0 and i == 0:
                post(urls["proxy"] + "/_fault/record", rec)
            plan_runs.append(check(measure([vidpipe, "plan", s, *a, "--detailed-exitcode"], env, work, proxies),
                                   "no-op plan"))
            if cycle == 0 and i == 0:
                post(urls["proxy"] + "/_fault/record", "")
        if cycle == 0:
            # The floor: the plan's own requests replayed at the same parallelism through the same proxy.
            for i in range(plans):
                r = check(measure([floor, urls["proxy"], rec, str(PARALLELISM)], env, work, proxies), "floor")
                floor_proc.append(r)
                floor_runs.append(json.loads(r["output"].strip().splitlines()[-1]))
            res["recorded_ops"] = ops_of(rec)
            state = os.path.join(work, "state", stack + ".json")
            peer = [sys.executable, os.path.join(ROOT, "tests/bench/peer_boto3.py"), state,
                    "--endpoint", urls["proxy"]]
            # The sequential peer at 1000 resources and 30 ms would take minutes: it reads the first 100 (each
            # type equally) and its time is scaled by 10, said so in the report.
            limit = ["--limit", "100"] if big and lat > 0 else []
            res["seq_peer_scale"] = n_resources / 100 if limit else 1
            for i in range(1 if big or lat > 0 else 3):
                r = check(measure(peer + ["--threads", "1"] + limit, env, work, proxies), "sequential peer")
                seq.append(dict(r, **json.loads(r["output"].strip().splitlines()[-1])))
            for i in range(1 if big else 3):
                r = check(measure(peer + ["--threads", "10"], env, work, proxies), "threaded peer")
                thr.append(dict(r, **json.loads(r["output"].strip().splitlines()[-1])))
        destroys.append(check(measure([vidpipe, "destroy", s, *a, "--auto-approve"], env, work, proxies), "destroy"))
    res["apply"], res["plan"], res["destroy"] = summary(applies), summary(plan_runs), summary(destroys)
    res["floor"] = summary(floor_proc)
    res["floor"]["replay_ms"] = [f["replay_ms"] for f in floor_runs]
    res["floor"]["failed"] = max(f["failed"] for f in floor_runs)
    for key, runs in (("peer_seq", seq), ("peer_threaded", thr)):
        res[key] = summary(runs)
        res[key]["read_ms"] = [r["read_ms"] for r in runs]
        res[key]["calls"] = runs[0]["calls"]
        res[key]["resources_read"] = runs[0]["resources"]
    return res


def ops_of(path):
    """How many times each operation was called in a recording (X-Amz-Target, Action=, or METHOD path?sub)."""
    ops = {}
    if not os.path.exists(path):
        return ops
    for line in open(path):
        r = json.loads(line)
        h = {k.lower(): v for k, v in r["headers"]}
        if "x-amz-target" in h:
            op = h["x-amz-target"].split(".")[-1]
        else:
            import base64
            body = base64.b64decode(r["body_b64"]).decode(errors="replace")
            if "Action=" in body:
                op = body.split("Action=")[1].split("&")[0]
            else:
                path = r["path"]
                query = path.split("?", 1)[1] if "?" in path else ""
                seg = [x for x in path.split("?")[0].split("/") if x]
                rest = seg and (seg[0] in ("channels", "origin_endpoints", "tags", "v2") or seg[0].startswith("20"))
                if rest:        # REST-JSON services: the path's first two parts name the operation's kind
                    op = r["method"] + " /" + "/".join(seg[:2]) + ("/..." if len(seg) > 2 else "")
                else:           # S3, path style: the bucket's name is left out, the sub-resource kept
                    op = "S3 " + r["method"] + " bucket" + ("/key" if len(seg) > 1 else "")
                if query:
                    op += "?" + query.split("=")[0]
        ops[op] = ops.get(op, 0) + 1
    return ops


def machine(opts):
    info = {"python": platform.python_version(), "kernel": platform.release(), "cores": os.cpu_count()}
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            info["cpu"] = line.split(":", 1)[1].strip()
            break
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    import moto
    import boto3
    info["moto"], info["boto3"] = moto.__version__, boto3.__version__
    info["vidpipe"] = subprocess.run([opts.vidpipe, "version"], capture_output=True, text=True).stdout.strip().splitlines()[0]
    info["commit"] = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip()
    info["dirty"] = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                        capture_output=True, text=True).stdout.strip())
    info["loadavg_start"] = open("/proc/loadavg").read().split()[:3]
    info["libcurl"] = subprocess.run(["curl-config", "--version"], capture_output=True, text=True).stdout.strip()
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", default="10,100,1000")
    ap.add_argument("--latencies", default="0,30")
    ap.add_argument("--no-pipeline", action="store_true")
    ap.add_argument("--quick", action="store_true", help="one cycle, three plans: for development")
    opts = ap.parse_args()
    build = os.path.join(ROOT, opts.build)
    opts.vidpipe, opts.floor = os.path.join(build, "vidpipe"), os.path.join(build, "bench", "floor")
    tmp = tempfile.mkdtemp(prefix="vp-bench.")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=os.path.join(tmp, "home"), AWS_CONFIG_FILE=os.path.join(tmp, "aws-config"),
               AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "aws-credentials"),
               AWS_ACCESS_KEY_ID="AKIATESTTESTTEST1234", AWS_SECRET_ACCESS_KEY="testsecrettestsecrettestsecret",
               AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
               VIDPIPE_ARTIFACTS_DIR=os.path.join(build, "handlers"))
    env.pop("VIDPIPE_LOG", None)
    os.makedirs(env["HOME"])
    servers = Servers(tmp)
    started = time.monotonic()
    results = {"machine": machine(opts), "parallelism": PARALLELISM, "runs": []}
    try:
        moto_url, mc_url = servers.moto(), servers.standin()
        stacks = []
        if not opts.no_pipeline:
            pipe = os.path.join(ROOT, "examples/video-pipeline.yaml")
            stacks.append(("pipeline", 22, lambda stack, work: pipe,
                           lambda stack: ["--var", f"stack={stack}", "--var", "account_id=123456789012",
                                          "--var", f"page_token_key={PAGE_KEY}"]))
        for n in [int(x) for x in opts.sizes.split(",") if x]:
            def spec(stack, work, n=n):
                path = os.path.join(work, "spec.yaml")
                with open(path, "w") as f:
                    subprocess.run([sys.executable, os.path.join(ROOT, "tests/bench/gen_spec.py"), str(n), stack],
                                   stdout=f, check=True)
                return path
            stacks.append((f"gen{n}", n, spec, lambda stack: []))
        for lat in [int(x) for x in opts.latencies.split(",")]:
            urls = {"proxy": servers.proxy(moto_url, mc_url, lat, f"proxy-{lat}")}
            lenv = dict(env, AWS_ENDPOINT_URL=urls["proxy"], AWS_ENDPOINT_URL_MEDIACONVERT=urls["proxy"])
            for label, n, spec, vargs in stacks:
                t0 = time.monotonic()
                r = bench_stack(label, n, spec, vargs, lat, urls, lenv, opts, tmp)
                print(f"bench: {label} at {lat} ms: plan {r['plan']['median_ms']:.0f} ms, floor "
                      f"{r['floor']['median_ms']:.0f} ms, apply {r['apply']['median_ms']:.0f} ms, destroy "
                      f"{r['destroy']['median_ms']:.0f} ms ({time.monotonic() - t0:.0f} s)", file=sys.stderr, flush=True)
                results["runs"].append(r)
    finally:
        servers.stop()
        results["total_s"] = round(time.monotonic() - started, 1)
        results["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        if not os.environ.get("VP_BENCH_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
    with open(opts.out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
