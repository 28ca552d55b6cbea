//go:build !nosim

package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/release-cockpit/cockpit/model"
)

// failedPromotion promotes a release current and healthy in dev into staging as a release
// manager, with --demo-fail-deploy making its deploy fail on the bundle's first job: the
// first such release that every gate lets through (others are refused without a run).
func failedPromotion(t *testing.T) (release string, res actionJSON) {
	t.Helper()
	code, out, errOut := cockpit(t, actionArgs(t, "release-manager", "releases", "--env", "dev", "--since", "0", "--limit", "200", "-o", "json")...)
	var rows []struct {
		Bundle, Version string
		Current         bool
		Verdict         model.Verdict
	}
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil {
		t.Fatalf("dev releases: exit %d: %s%s", code, out, errOut)
	}
	tried := 0
	for _, r := range rows {
		if !r.Current || r.Verdict != model.VerdictHealthy || tried == 12 {
			continue
		}
		tried++
		release = r.Bundle + "@" + r.Version
		code, res, errOut = actionResult(t, "release-manager", "--demo-fail-deploy", r.Bundle, "promote", release, "--to", "staging", "--ticket", "CHG-9", "--reason", "weekly", "--yes")
		if res.Outcome == nil {
			continue // refused by a gate: nothing ran
		}
		if code != 1 || res.Outcome.State != "failed" {
			t.Fatalf("promotion of %s with an injected failure: exit %d, %+v\n%s", release, code, res.Outcome, errOut)
		}
		return release, res
	}
	t.Fatalf("none of %d current healthy dev releases may be promoted into staging", tried)
	return "", actionJSON{}
}

func TestRetryFromTheCommandLineAfterAnInjectedDeployFailure(t *testing.T) {
	release, res := failedPromotion(t)
	bundle, version, _ := strings.Cut(release, "@")
	first := res.Outcome.RequestID
	m := regexp.MustCompile(`bundle deploy failed on (\S+)`).FindStringSubmatch(res.Outcome.Message)
	if m == nil {
		t.Fatalf("the failure names no resource: %q", res.Outcome.Message)
	}
	failedOn := m[1]
	if first == "" || !strings.HasPrefix(failedOn, bundle) || !strings.Contains(res.Error, failedOn) || !strings.Contains(res.Error, "cockpit retry "+first) {
		t.Fatalf("the failure does not say what failed and how to retry: %q, %q (request %q)", res.Outcome.Message, res.Error, first)
	}

	// The retry: a new attempt with its own request id, every gate judged again.
	code, retry, errOut := actionResult(t, "release-manager", "retry", first, "--yes")
	if code != 0 || retry.Outcome == nil || retry.Outcome.State != "succeeded" || retry.Outcome.RunID == 0 {
		t.Fatalf("retry: exit %d, %+v %q\n%s", code, retry.Outcome, retry.Error, errOut)
	}
	if retry.Outcome.RequestID == first || retry.Plan.RequestID != retry.Outcome.RequestID {
		t.Errorf("the retry's request %q (plan %q) is not a new attempt of %s", retry.Outcome.RequestID, retry.Plan.RequestID, first)
	}
	if !hasGate(retry.Plan.Gates, model.GateRetryable, "attempt 2 of request "+first) || !hasGate(retry.Plan.Gates, model.GateVerifiedUpstream, "") {
		t.Errorf("the retry's gates were not judged again: %+v", retry.Plan.Gates)
	}

	// A request that succeeded is not retried: exit 1 with the reason.
	code, out, errOut := cockpit(t, actionArgs(t, "release-manager", "retry", first, "--yes")...)
	if code != 1 || !strings.Contains(errOut, "retryable: request "+first+" is succeeded: only a failed request can be retried") {
		t.Fatalf("retrying a request that succeeded: exit %d\n%s%s", code, out, errOut)
	}

	// The ledger: both attempts, the failed one's result listing the resource.
	db, err := sql.Open("duckdb", actionEstate.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.QueryContext(context.Background(), `SELECT event_id, kind, COALESCE(details, '') FROM release_cockpit.release_events
		WHERE bundle = ? AND version = ? AND environment = 'staging' AND kind IN ('deploy_requested', 'deploy_failed', 'deploy_succeeded') ORDER BY "at"`, bundle, version)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var got []string
	for rs.Next() {
		var id, kind, details string
		if err := rs.Scan(&id, &kind, &details); err != nil {
			t.Fatal(err)
		}
		d := model.ParseRequestDetails(details)
		switch {
		case kind == "deploy_requested" && id == first:
			got = append(got, "request")
		case kind == "deploy_requested" && id == retry.Outcome.RequestID && d.RequestID == first:
			got = append(got, "retry of the request")
		case kind == "deploy_failed" && d.RequestID == first && len(d.FailedResources) == 1 && d.FailedResources[0] == failedOn:
			got = append(got, "failed")
		case kind == "deploy_succeeded" && d.RequestID == retry.Outcome.RequestID:
			got = append(got, "succeeded")
		default:
			got = append(got, "unexpected "+kind+" "+id+" "+details)
		}
	}
	if want := "request, failed, retry of the request, succeeded"; strings.Join(got, ", ") != want {
		t.Errorf("the ledger of %s in staging: %s; want %s", release, strings.Join(got, ", "), want)
	}
}
