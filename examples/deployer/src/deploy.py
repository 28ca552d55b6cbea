"""Deploys one commit of one bundle to one target: a clone of the bundle's repository at the
requested git_sha, then `databricks bundle deploy -t TARGET` as the job's service principal,
then `cockpit record` writes the result of the run's request into the ledger (succeeded, or
failed with why). A failure exits non-zero, so the run fails too and the request can be
retried (cockpit retry REQUEST_ID).
"""

import argparse
import json
import subprocess
import sys
import tempfile


def run(cmd, cwd=None):
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=cwd, check=False, capture_output=True, text=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bundle", required=True)
    p.add_argument("--git-sha", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--repositories", required=True, help="JSON object: bundle -> git URL")
    p.add_argument("--cockpit", required=True, help="path of the cockpit binary")
    p.add_argument("--config", required=True, help="the cockpit configuration")
    p.add_argument("--run-id", required=True, help="this run's id, {{job.run_id}}")
    a = p.parse_args()
    code, message = deploy(a)
    record = [a.cockpit, "record", "--config", a.config, "--run-id", a.run_id, "--env", a.target,
              "--result", "succeeded" if code == 0 else "failed"]
    if code != 0:
        record += ["--message", message[-500:]]
    r = run(record)
    print(r.stdout, r.stderr)
    return code or r.returncode


def deploy(a):
    """Returns (exit code, message): 0 when the bundle deployed."""
    repos = json.loads(a.repositories)
    if a.bundle not in repos:
        return 2, f"no repository is configured for bundle {a.bundle}: add it to the repositories variable"
    with tempfile.TemporaryDirectory() as work:
        for cmd in (["git", "init", "-q", work], ["git", "-C", work, "fetch", "-q", "--depth", "1", repos[a.bundle], a.git_sha],
                    ["git", "-C", work, "checkout", "-q", "FETCH_HEAD"]):
            r = run(cmd)
            if r.returncode != 0:
                print(r.stderr, file=sys.stderr)
                return r.returncode, r.stderr.strip()
        r = run(["databricks", "bundle", "deploy", "-t", a.target, "--auto-approve"], cwd=work)
        print(r.stdout)
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return r.returncode, r.stderr.strip()
    return 0, ""


if __name__ == "__main__":
    sys.exit(main())
