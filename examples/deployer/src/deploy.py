"""Deploys one commit of one bundle to one target: a clone of the bundle's repository at the
requested git_sha, then `databricks bundle deploy -t TARGET` as the job's service principal.

A failure exits non-zero with the resources that failed on the last line of the output, so
that the run's state message says what to retry (cockpit retry REQUEST_ID).
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
    a = p.parse_args()
    repos = json.loads(a.repositories)
    if a.bundle not in repos:
        print(f"no repository is configured for bundle {a.bundle}: add it to the repositories variable", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        for cmd in (["git", "init", "-q", work], ["git", "-C", work, "fetch", "-q", "--depth", "1", repos[a.bundle], a.git_sha],
                    ["git", "-C", work, "checkout", "-q", "FETCH_HEAD"]):
            r = run(cmd)
            if r.returncode != 0:
                print(r.stderr, file=sys.stderr)
                return r.returncode
        r = run(["databricks", "bundle", "deploy", "-t", a.target, "--auto-approve"], cwd=work)
        print(r.stdout)
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return r.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
