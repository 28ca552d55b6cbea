"""Runs the cockpit binary with the task's parameters and fails the task with its exit code.

The first parameter is the binary's path; the rest are its arguments, e.g.
gate --run-id {{job.run_id}} --env {{job.parameters.target}}. The cockpit signs in with the
job's own credentials (the service principal the job runs as), through the Databricks
unified auth: DATABRICKS_HOST and the runtime's token, or an OAuth secret in the environment.
"""

import subprocess
import sys


def main(argv):
    if len(argv) < 2:
        print("usage: run_cockpit.py COCKPIT_PATH ARGS...", file=sys.stderr)
        return 2
    return subprocess.run(argv[1:], check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
