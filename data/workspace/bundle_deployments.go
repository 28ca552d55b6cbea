package workspace

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/bundledeployments"
)

// The bundle deployment metadata service (reference §5.5; SDK service/bundledeployments): in
// workspaces where it is enabled, bundles with experimental.record_deployment_history keep
// every `bundle deploy` as a version with its git commit, who and when. It is a preview
// (the SDK marks the interface deprecated); a workspace without it answers ErrNotFound.

// BundleDeployment is one bundle in one target as the service records it.
type BundleDeployment struct {
	// Name is the service's resource name, deployments/{id}.
	Name   string
	Bundle string
	Target string
	// RootPath is the bundle's root in the workspace (<root>/state/metadata.json).
	RootPath string
	// LastVersionID is the newest version's id: versions are unchanged while it is.
	LastVersionID string
}

// BundleVersion is one deploy of a bundle deployment.
type BundleVersion struct {
	ID        string
	Succeeded bool
	// Deploy is false for a destroy.
	Deploy      bool
	Started     time.Time
	Completed   time.Time // zero while in progress
	By          string
	Git         Git
	CLIVersion  string
	InProgress  bool
	Description string // the completion reason, as the service says it
}

// BundleDeployments lists the bundle deployments the service records in the workspace.
// A workspace without the service is ErrNotFound.
func (c *Client) BundleDeployments(ctx context.Context) ([]BundleDeployment, error) {
	const op = "listing bundle deployments"
	ds, err := c.w.BundleDeployments.ListDeploymentsAll(ctx, bundledeployments.ListDeploymentsRequest{PageSize: 1000})
	if err != nil {
		return nil, historyError(err, op)
	}
	out := make([]BundleDeployment, 0, len(ds))
	for _, d := range ds {
		if d.Status == bundledeployments.DeploymentStatusDeploymentStatusDeleted {
			continue
		}
		b := BundleDeployment{Name: d.Name, Bundle: d.DisplayName, Target: d.TargetName, LastVersionID: d.LastVersionId}
		if d.WorkspaceInfo != nil {
			b.RootPath = d.WorkspaceInfo.RootPath
		}
		out = append(out, b)
	}
	return out, nil
}

// BundleVersions lists a deployment's versions, newest first, back to (and including the
// first one completed before) since; a zero since reads them all.
func (c *Client) BundleVersions(ctx context.Context, deployment string, since time.Time) ([]BundleVersion, error) {
	op := "listing the versions of bundle " + deployment
	if err := checkName("bundle deployment", deployment); err != nil {
		return nil, err
	}
	it := c.w.BundleDeployments.ListVersions(ctx, bundledeployments.ListVersionsRequest{Parent: deployment, PageSize: 100})
	var out []BundleVersion
	for it.HasNext(ctx) {
		v, err := it.Next(ctx)
		if err != nil {
			return nil, historyError(err, op)
		}
		bv := BundleVersion{
			ID: v.VersionId, Deploy: v.VersionType != bundledeployments.VersionTypeVersionTypeDestroy,
			Succeeded:  v.CompletionReason == bundledeployments.VersionCompleteVersionCompleteSuccess,
			InProgress: v.Status == bundledeployments.VersionStatusVersionStatusInProgress,
			By:         v.CompletedBy, CLIVersion: v.CliVersion, Description: string(v.CompletionReason),
		}
		if bv.By == "" {
			bv.By = v.CreatedBy
		}
		if v.CreateTime != nil {
			bv.Started = v.CreateTime.AsTime().UTC()
		}
		if v.CompleteTime != nil {
			bv.Completed = v.CompleteTime.AsTime().UTC()
		}
		if v.GitInfo != nil {
			bv.Git = Git{Commit: v.GitInfo.Commit, Branch: v.GitInfo.Branch, OriginURL: v.GitInfo.OriginUrl}
		}
		out = append(out, bv)
		if !since.IsZero() && !bv.Completed.IsZero() && bv.Completed.Before(since) {
			break
		}
	}
	return out, nil
}

// historyError wraps a failure of the service; a workspace where it is not enabled answers
// 404 (ENDPOINT_NOT_FOUND or FEATURE_DISABLED), which is ErrNotFound.
func historyError(err error, op string) error {
	var ae *apierr.APIError
	if errors.As(err, &ae) && ae.ErrorCode == "FEATURE_DISABLED" {
		return &Error{Op: op, Kind: ErrNotFound, Err: err}
	}
	return wrap(err, op)
}

// checkName refuses service names that could escape the URL path: deployments/{id} with
// an id of letters, digits and dashes.
func checkName(what, name string) error {
	id, ok := strings.CutPrefix(name, "deployments/")
	if !ok {
		return &Error{Op: "checking the " + what, Kind: ErrInvalidInput, Err: errors.New("the " + what + " name is not deployments/{id}")}
	}
	return checkID(what+" id", id)
}
