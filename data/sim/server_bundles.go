package sim

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The bundle deployment metadata service (reference §5.5; databricks-sdk-go
// service/bundledeployments): for the bundles that set experimental.record_deployment_history
// (recordsHistory), one deployment per bundle and target, and one version per `bundle deploy`
// with its git info and outcome, newest first.

// dmsDeployment is the service's Deployment.
type dmsDeployment struct {
	Name                    string        `json:"name"`
	DisplayName             string        `json:"display_name"`
	Status                  string        `json:"status"`
	DeploymentMode          string        `json:"deployment_mode"`
	TargetName              string        `json:"target_name"`
	LastVersionID           string        `json:"last_version_id,omitempty"`
	LastSuccessfulVersionID string        `json:"last_successful_version_id,omitempty"`
	GitInfo                 dmsGitInfo    `json:"git_info"`
	WorkspaceInfo           dmsWorkspace  `json:"workspace_info"`
	CreateTime              string        `json:"create_time,omitempty"`
	UpdateTime              string        `json:"update_time,omitempty"`
	CreatedBy               string        `json:"created_by,omitempty"`
	UpdatedBy               string        `json:"updated_by,omitempty"`
	versions                []dmsVersion  // newest first
	bundle                  *bundleSpec   // not sent
	resources               []dmsResource // not sent
}

type dmsGitInfo struct {
	Branch    string `json:"branch,omitempty"`
	Commit    string `json:"commit,omitempty"`
	OriginURL string `json:"origin_url,omitempty"`
}

type dmsWorkspace struct {
	RootPath       string `json:"root_path"`
	FilePath       string `json:"file_path"`
	BundleRootPath string `json:"bundle_root_path"`
}

// dmsVersion is the service's Version.
type dmsVersion struct {
	Name              string       `json:"name"`
	VersionID         string       `json:"version_id"`
	PreviousVersionID string       `json:"previous_version_id,omitempty"`
	Status            string       `json:"status"`
	CompletionReason  string       `json:"completion_reason"`
	VersionType       string       `json:"version_type"`
	CliVersion        string       `json:"cli_version"`
	GitInfo           dmsGitInfo   `json:"git_info"`
	WorkspaceInfo     dmsWorkspace `json:"workspace_info"`
	DeploymentMode    string       `json:"deployment_mode"`
	TargetName        string       `json:"target_name"`
	DisplayName       string       `json:"display_name"`
	CreateTime        string       `json:"create_time"`
	CompleteTime      string       `json:"complete_time"`
	CreatedBy         string       `json:"created_by"`
	CompletedBy       string       `json:"completed_by"`
}

// dmsResource is the service's Resource.
type dmsResource struct {
	Name           string `json:"name"`
	ResourceKey    string `json:"resource_key"`
	ResourceID     string `json:"resource_id"`
	ResourceType   string `json:"resource_type"`
	LastActionType string `json:"last_action_type"`
	LastVersionID  string `json:"last_version_id"`
	UpdateTime     string `json:"update_time"`
}

// dmsDeploymentID is the stable id of a bundle's deployment in a target.
func dmsDeploymentID(bundle, env string) string { return uuidOf("bundle-deployment", bundle, env) }

// dmsDeployments reads the deployments of this workspace that the service records, each
// with its versions (so far) and resources, in bundle and target order.
func (srv *Server) dmsDeployments(ctx context.Context) ([]*dmsDeployment, error) {
	rows, err := srv.sim.db.QueryContext(ctx, `SELECT bundle, environment, deployed_at, actor, git_sha, failed
FROM sim.sim_internal.bundle_deploys WHERE workspace_id = ? AND deployed_at <= ?
ORDER BY bundle, environment, deployed_at`, srv.wsid, srv.sim.Now())
	if err != nil {
		return nil, fmt.Errorf("reading the bundle deployments: %w", err)
	}
	defer rows.Close()
	var out []*dmsDeployment
	var cur *dmsDeployment
	for rows.Next() {
		var bundle, env, actor, sha string
		var at time.Time
		var failed bool
		if err := rows.Scan(&bundle, &env, &at, &actor, &sha, &failed); err != nil {
			return nil, err
		}
		b := srv.sim.bundle(bundle)
		if b == nil || !recordsHistory(b) {
			continue
		}
		if cur == nil || cur.bundle != b || cur.TargetName != env {
			cur = newDMSDeployment(b, env, at, actor)
			out = append(out, cur)
		}
		cur.addVersion(at.UTC(), actor, sha, failed)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, d := range out {
		// Newest first, as the service lists them.
		for i, j := 0, len(d.versions)-1; i < j; i, j = i+1, j-1 {
			d.versions[i], d.versions[j] = d.versions[j], d.versions[i]
		}
	}
	return out, nil
}

func newDMSDeployment(b *bundleSpec, env string, first time.Time, actor string) *dmsDeployment {
	mode := "DEPLOYMENT_MODE_PRODUCTION"
	if env == "dev" {
		mode = "DEPLOYMENT_MODE_DEVELOPMENT"
	}
	root := bundleRoot(b.name, env)
	d := &dmsDeployment{
		Name: "deployments/" + dmsDeploymentID(b.name, env), DisplayName: b.name, Status: "DEPLOYMENT_STATUS_ACTIVE",
		DeploymentMode: mode, TargetName: env, bundle: b,
		WorkspaceInfo: dmsWorkspace{RootPath: root, FilePath: root + "/files", BundleRootPath: "."},
		CreateTime:    first.UTC().Format(time.RFC3339), CreatedBy: actor,
	}
	for j, r := range b.jobs {
		d.resources = append(d.resources, dmsResource{ResourceKey: "jobs." + r.key, ResourceID: fmt.Sprint(jobID(env, b.index, j)), ResourceType: "DEPLOYMENT_RESOURCE_TYPE_JOB"})
	}
	for _, r := range b.pipes {
		d.resources = append(d.resources, dmsResource{ResourceKey: "pipelines." + r.key, ResourceID: pipelineID(env, r.key), ResourceType: "DEPLOYMENT_RESOURCE_TYPE_PIPELINE"})
	}
	return d
}

// addVersion appends the next version (oldest first while reading).
func (d *dmsDeployment) addVersion(at time.Time, actor, sha string, failed bool) {
	n := len(d.versions) + 1
	v := dmsVersion{
		Name: d.Name + "/versions/" + strconv.Itoa(n), VersionID: strconv.Itoa(n),
		Status: "VERSION_STATUS_COMPLETED", CompletionReason: "VERSION_COMPLETE_SUCCESS", VersionType: "VERSION_TYPE_DEPLOY",
		CliVersion: "0.279.0", GitInfo: gitInfo(d.bundle, sha), WorkspaceInfo: d.WorkspaceInfo,
		DeploymentMode: d.DeploymentMode, TargetName: d.TargetName, DisplayName: d.DisplayName,
		// The CLI opens the version when the deploy starts and completes it after the apply.
		CreateTime: at.Add(-3 * time.Minute).Format(time.RFC3339), CompleteTime: at.Format(time.RFC3339),
		CreatedBy: actor, CompletedBy: actor,
	}
	if n > 1 {
		v.PreviousVersionID = strconv.Itoa(n - 1)
	}
	if failed {
		v.CompletionReason = "VERSION_COMPLETE_FAILURE"
	} else {
		d.LastSuccessfulVersionID = v.VersionID
		d.GitInfo = v.GitInfo
		for i := range d.resources {
			d.resources[i].LastVersionID, d.resources[i].LastActionType, d.resources[i].UpdateTime = v.VersionID, "OPERATION_ACTION_TYPE_UPDATE", v.CompleteTime
		}
	}
	d.LastVersionID, d.UpdateTime, d.UpdatedBy = v.VersionID, v.CompleteTime, actor
	d.versions = append(d.versions, v)
}

func gitInfo(b *bundleSpec, sha string) dmsGitInfo {
	return dmsGitInfo{Branch: "main", Commit: sha, OriginURL: originURL(b)}
}

// originURL is a bundle's git remote, as its metadata.json names it.
func originURL(b *bundleSpec) string {
	return "https://github.com/example-data/" + strings.ReplaceAll(b.name, "_", "-") + ".git"
}

// dmsFind finds the deployment a request names ({id} of deployments/{id}).
func (srv *Server) dmsFind(r *http.Request) (*dmsDeployment, error) {
	ds, err := srv.dmsDeployments(r.Context())
	if err != nil {
		return nil, err
	}
	name := "deployments/" + r.PathValue("id")
	for _, d := range ds {
		if d.Name == name {
			return d, nil
		}
	}
	return nil, notFound("Deployment %s does not exist.", name)
}

// dmsPage cuts one page of n items: page_size (default def, at most max) from the offset
// that page_token carries; next is the token of the next page, empty on the last.
func dmsPage(r *http.Request, n, def, max int) (from, to int, next string, err error) {
	size, err := queryInt(r, "page_size", int64(def))
	if err != nil {
		return 0, 0, "", err
	}
	if size <= 0 || size > int64(max) {
		return 0, 0, "", badRequest("page_size must be between 1 and %d.", max)
	}
	if t := r.URL.Query().Get("page_token"); t != "" {
		if from, err = strconv.Atoi(t); err != nil || from < 0 {
			return 0, 0, "", badRequest("Invalid page_token.")
		}
	}
	from = min(from, n)
	to = min(from+int(size), n)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next, nil
}

// listBundleDeployments is GET /api/2.0/bundle/deployments.
func (srv *Server) listBundleDeployments(w http.ResponseWriter, r *http.Request, _ User) error {
	ds, err := srv.dmsDeployments(r.Context())
	if err != nil {
		return err
	}
	from, to, next, err := dmsPage(r, len(ds), 20, 1000)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"deployments": ds[from:to], "next_page_token": next})
	return nil
}

// getBundleDeployment is GET /api/2.0/bundle/deployments/{id}.
func (srv *Server) getBundleDeployment(w http.ResponseWriter, r *http.Request, _ User) error {
	d, err := srv.dmsFind(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// listBundleVersions is GET /api/2.0/bundle/deployments/{id}/versions, newest first.
func (srv *Server) listBundleVersions(w http.ResponseWriter, r *http.Request, _ User) error {
	d, err := srv.dmsFind(r)
	if err != nil {
		return err
	}
	from, to, next, err := dmsPage(r, len(d.versions), 20, 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": d.versions[from:to], "next_page_token": next})
	return nil
}

// listBundleResources is GET /api/2.0/bundle/deployments/{id}/resources.
func (srv *Server) listBundleResources(w http.ResponseWriter, r *http.Request, _ User) error {
	d, err := srv.dmsFind(r)
	if err != nil {
		return err
	}
	for i := range d.resources {
		d.resources[i].Name = d.Name + "/resources/" + d.resources[i].ResourceKey
	}
	from, to, next, err := dmsPage(r, len(d.resources), 20, 1000)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"resources": d.resources[from:to], "next_page_token": next})
	return nil
}

// bundle is the estate's bundle of that name, or nil.
func (s *Sim) bundle(name string) *bundleSpec {
	if s.estate == nil {
		return nil
	}
	return s.estate.byName[name]
}
