package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// pipeline is the current definition of a pipeline: the latest row of lakeflow.pipelines.
type pipeline struct {
	id, name, creator, runAs, pipelineType string
	tags, configuration                    map[string]string
	continuous, development, serverless    bool
	photon                                 bool
	channel, edition                       string
	changed                                time.Time
}

const latestPipelines = `
SELECT pipeline_id, COALESCE(name, ''), COALESCE(created_by, ''), COALESCE(run_as, ''),
       COALESCE(pipeline_type, ''), COALESCE(CAST(to_json(tags) AS VARCHAR), '{}'),
       COALESCE(CAST(to_json(configuration) AS VARCHAR), '{}'),
       COALESCE(settings.continuous, false), COALESCE(settings.development, false),
       COALESCE(settings.serverless, false), COALESCE(settings.photon, false),
       COALESCE(settings.channel, ''), COALESCE(settings.edition, ''), change_time
FROM (
  -- The latest change of each pipeline is found on two narrow columns first: windowing
  -- every change row with its maps and structs took half a second per call.
  SELECT p.* FROM sim.lakeflow.pipelines AS p
  SEMI JOIN (
    SELECT pipeline_id, MAX(change_time) AS latest FROM sim.lakeflow.pipelines
    WHERE workspace_id = ? AND (? = '' OR pipeline_id = ?)
    GROUP BY pipeline_id
  ) AS l ON p.pipeline_id = l.pipeline_id AND p.change_time = l.latest
  WHERE p.workspace_id = ?
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.pipeline_id ORDER BY p.change_time DESC) = 1
)
WHERE delete_time IS NULL AND name LIKE ? AND (name > ? OR (name = ? AND pipeline_id > ?))
ORDER BY name, pipeline_id
LIMIT ?`

// pipelines lists current pipelines in name order after the cursor (name, id), at most limit.
// Without a name pattern (like "%": the cockpit's pages, and every read of one pipeline by
// id, such as an events call's), the answer is cut from the workspace's whole list, read
// once per generation of the estate by the same statement.
func (srv *Server) pipelines(ctx context.Context, id, like string, after pipeKey, limit int) ([]pipeline, error) {
	if like != "%" {
		ps, err := cached(srv.sim, memoKey("pipelines", srv.wsid, id, like, after.Name, after.ID, limit), func() ([]pipeline, error) {
			return srv.readPipelines(ctx, id, like, after, limit)
		})
		return slices.Clone(ps), err
	}
	list, err := cached(srv.sim, memoKey("pipelines", srv.wsid), func() (*pipelineList, error) {
		all, err := srv.readPipelines(ctx, "", "%", pipeKey{}, math.MaxInt32)
		return &pipelineList{srv.wsid, all}, err
	})
	if err != nil {
		return nil, err
	}
	all := list.all
	// all is in (name, id) order, as the statement orders and compares the cursor (bytewise).
	from, _ := slices.BinarySearchFunc(all, after, func(p pipeline, k pipeKey) int {
		if c := strings.Compare(p.name, k.Name); c != 0 {
			return c
		}
		return strings.Compare(p.id, k.ID)
	})
	var out []pipeline
	for _, p := range all[from:] {
		if len(out) == limit {
			break
		}
		if (p.name == after.Name && p.id == after.ID) || (id != "" && p.id != id) {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

func (srv *Server) readPipelines(ctx context.Context, id, like string, after pipeKey, limit int) ([]pipeline, error) {
	rows, err := srv.sim.db.QueryContext(ctx, latestPipelines, srv.wsid, id, id, srv.wsid, like, after.Name, after.Name, after.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("listing pipelines: %w", err)
	}
	defer rows.Close()
	var out []pipeline
	for rows.Next() {
		var p pipeline
		var tags, conf string
		if err := rows.Scan(&p.id, &p.name, &p.creator, &p.runAs, &p.pipelineType, &tags, &conf,
			&p.continuous, &p.development, &p.serverless, &p.photon, &p.channel, &p.edition, &p.changed); err != nil {
			return nil, fmt.Errorf("reading pipelines: %w", err)
		}
		_ = json.Unmarshal([]byte(tags), &p.tags)
		_ = json.Unmarshal([]byte(conf), &p.configuration)
		out = append(out, p)
	}
	return out, rows.Err()
}

// pipeline reads one current pipeline; ok is false when there is none.
func (srv *Server) pipeline(ctx context.Context, id string) (pipeline, bool, error) {
	ps, err := srv.pipelines(ctx, id, "%", pipeKey{}, 1)
	if err != nil || len(ps) == 0 {
		return pipeline{}, false, err
	}
	return ps[0], true, nil
}

// pipeKey is the cursor of the pipelines list.
type pipeKey struct {
	Name string `json:"n"`
	ID   string `json:"i"`
}

// nameFilter accepts the list filter `name LIKE '<pattern>'` (the only form the simulation knows).
var nameFilter = regexp.MustCompile(`(?i)^\s*name\s+like\s+'((?:[^']|'')*)'\s*$`)

// listPipelines is GET /api/2.0/pipelines.
func (srv *Server) listPipelines(w http.ResponseWriter, r *http.Request, _ User) error {
	like := "%"
	if f := r.URL.Query().Get("filter"); f != "" {
		m := nameFilter.FindStringSubmatch(f)
		if m == nil {
			return badRequest("Invalid filter %q: use name LIKE '<pattern>'.", f)
		}
		like = strings.ReplaceAll(m[1], "''", "'")
	}
	limit, err := queryInt(r, "max_results", 25)
	if err != nil {
		return err
	}
	if limit <= 0 || limit > 100 {
		return badRequest("max_results must be between 1 and 100, got %d.", limit)
	}
	var after pipeKey
	if tok := r.URL.Query().Get("page_token"); tok != "" {
		if err := decodeToken(tok, &after); err != nil {
			return badRequest("Invalid page_token.")
		}
	}
	ps, err := srv.pipelines(r.Context(), "", like, after, int(limit)+1)
	if err != nil {
		return err
	}
	type status struct {
		PipelineID      string            `json:"pipeline_id"`
		Name            string            `json:"name"`
		State           string            `json:"state"`
		Health          string            `json:"health,omitempty"`
		LatestUpdates   []restUpdateState `json:"latest_updates,omitempty"`
		CreatorUserName string            `json:"creator_user_name,omitempty"`
		RunAsUserName   string            `json:"run_as_user_name,omitempty"`
	}
	resp := struct {
		Statuses      []status `json:"statuses,omitempty"`
		NextPageToken string   `json:"next_page_token,omitempty"`
	}{}
	if len(ps) > int(limit) {
		ps = ps[:limit]
		last := ps[len(ps)-1]
		resp.NextPageToken = encodeToken(pipeKey{last.name, last.id})
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.id
	}
	latest, err := srv.latestUpdates(r.Context(), ids)
	if err != nil {
		return err
	}
	for _, p := range ps {
		state, health, ups := srv.pipelineState(latest[p.id])
		resp.Statuses = append(resp.Statuses, status{p.id, p.name, state, health, ups, p.creator, p.runAs})
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// restUpdateState is a GetPipelineResponse.latest_updates entry; creation_time is a string.
type restUpdateState struct {
	UpdateID     string `json:"update_id"`
	State        string `json:"state"`
	CreationTime string `json:"creation_time"`
}

// pipelineState derives a pipeline's state, health and latest_updates from its newest updates.
func (srv *Server) pipelineState(ups []pipeUpdate) (state, health string, latest []restUpdateState) {
	now := srv.sim.Now()
	state, health = "IDLE", "HEALTHY"
	finishedSeen := false
	for _, u := range ups {
		if u.active() {
			state = "RUNNING"
		} else if !finishedSeen {
			finishedSeen = true
			if u.result == "FAILED" {
				health = "UNHEALTHY"
			}
		}
		latest = append(latest, restUpdateState{u.updateID, u.state(now), rfc3339ms(u.start)})
	}
	return state, health, latest
}

// getPipeline is GET /api/2.0/pipelines/{id}.
func (srv *Server) getPipeline(w http.ResponseWriter, r *http.Request, _ User) error {
	ctx := r.Context()
	p, err := srv.pipelineParam(r)
	if err != nil {
		return err
	}
	latest, err := srv.latestUpdates(ctx, []string{p.id})
	if err != nil {
		return err
	}
	path, err := srv.pipelineMetadataPath(ctx, p.id)
	if err != nil {
		return err
	}
	state, health, ups := srv.pipelineState(latest[p.id])
	type deployment struct {
		Kind             string `json:"kind"`
		MetadataFilePath string `json:"metadata_file_path,omitempty"`
	}
	type spec struct {
		ID            string            `json:"id"`
		Name          string            `json:"name"`
		Deployment    *deployment       `json:"deployment,omitempty"`
		Tags          map[string]string `json:"tags,omitempty"`
		Configuration map[string]string `json:"configuration,omitempty"`
		Continuous    bool              `json:"continuous"`
		Development   bool              `json:"development"`
		Serverless    bool              `json:"serverless"`
		Photon        bool              `json:"photon"`
		Channel       string            `json:"channel,omitempty"`
		Edition       string            `json:"edition,omitempty"`
	}
	s := spec{ID: p.id, Name: p.name, Tags: p.tags, Configuration: p.configuration, Continuous: p.continuous,
		Development: p.development, Serverless: p.serverless, Photon: p.photon, Channel: p.channel, Edition: p.edition}
	if path != "" {
		s.Deployment = &deployment{Kind: "BUNDLE", MetadataFilePath: path}
	}
	runAs := map[string]string{}
	if p.runAs != "" {
		if strings.Contains(p.runAs, "@") {
			runAs["user_name"] = p.runAs
		} else {
			runAs["service_principal_name"] = p.runAs
		}
	}
	writeJSON(w, http.StatusOK, struct {
		PipelineID      string            `json:"pipeline_id"`
		Name            string            `json:"name"`
		State           string            `json:"state"`
		Health          string            `json:"health,omitempty"`
		LatestUpdates   []restUpdateState `json:"latest_updates,omitempty"`
		Spec            spec              `json:"spec"`
		CreatorUserName string            `json:"creator_user_name,omitempty"`
		RunAsUserName   string            `json:"run_as_user_name,omitempty"`
		RunAs           map[string]string `json:"run_as,omitempty"`
		LastModified    int64             `json:"last_modified"`
	}{p.id, p.name, state, health, ups, s, p.creator, p.runAs, runAs, ms(p.changed)})
	return nil
}

// pipelineParam reads the {id} path value and the pipeline it names (404 when none).
func (srv *Server) pipelineParam(r *http.Request) (pipeline, error) {
	id := r.PathValue("id")
	p, ok, err := srv.pipeline(r.Context(), id)
	if err != nil {
		return pipeline{}, err
	}
	if !ok {
		return pipeline{}, notFound("The specified pipeline %s was not found.", id)
	}
	return p, nil
}

// pipelineMetadataPath finds the bundle metadata.json that lists the pipeline (the
// pipelines table has no deployment column, so the workspace files are the record).
func (srv *Server) pipelineMetadataPath(ctx context.Context, id string) (string, error) {
	var path string
	err := srv.sim.db.QueryRowContext(ctx, `SELECT path FROM sim.sim_internal.workspace_files
WHERE workspace_id = ? AND path LIKE '%/state/metadata.json' AND contains(content, ?)
ORDER BY modified_at DESC LIMIT 1`, srv.wsid, `"`+id+`"`).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("finding the bundle of pipeline %s: %w", id, err)
	}
	return path, nil
}

// listUpdates is GET /api/2.0/pipelines/{id}/updates.
func (srv *Server) listUpdates(w http.ResponseWriter, r *http.Request, _ User) error {
	ctx := r.Context()
	p, err := srv.pipelineParam(r)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "max_results", 25)
	if err != nil {
		return err
	}
	if limit <= 0 || limit > 100 {
		return badRequest("max_results must be between 1 and 100, got %d.", limit)
	}
	q := updateQuery{pipelineID: p.id, limit: int(limit)}
	if tok := r.URL.Query().Get("page_token"); tok != "" {
		var k updKey
		if err := decodeToken(tok, &k); err != nil {
			return badRequest("Invalid page_token.")
		}
		q.cursor = &k
	}
	if until := r.URL.Query().Get("until_update_id"); until != "" {
		u, err := srv.updates(ctx, updateQuery{pipelineID: p.id, updateID: until, limit: 1})
		if err != nil {
			return err
		}
		if len(u) == 0 {
			return badRequest("Update %s does not exist in pipeline %s.", until, p.id)
		}
		k := u[0].key()
		q.until = &k
	}
	ups, err := srv.updates(ctx, q)
	if err != nil {
		return err
	}
	resp := struct {
		Updates       []restUpdate `json:"updates,omitempty"`
		NextPageToken string       `json:"next_page_token,omitempty"`
	}{}
	if len(ups) > q.limit {
		ups = ups[:q.limit]
		resp.NextPageToken = encodeToken(ups[len(ups)-1].key())
	}
	for _, u := range ups {
		resp.Updates = append(resp.Updates, srv.restUpdate(u))
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// getUpdate is GET /api/2.0/pipelines/{id}/updates/{update_id}.
func (srv *Server) getUpdate(w http.ResponseWriter, r *http.Request, _ User) error {
	p, err := srv.pipelineParam(r)
	if err != nil {
		return err
	}
	id := r.PathValue("update_id")
	ups, err := srv.updates(r.Context(), updateQuery{pipelineID: p.id, updateID: id, limit: 1})
	if err != nil {
		return err
	}
	if len(ups) == 0 {
		return notFound("The specified update %s of pipeline %s was not found.", id, p.id)
	}
	u := srv.restUpdate(ups[0])
	u.Mode = "DEFAULT"
	writeJSON(w, http.StatusOK, map[string]restUpdate{"update": u})
	return nil
}

// restUpdate is an UpdateInfo; creation_time is epoch milliseconds here.
type restUpdate struct {
	UpdateID             string   `json:"update_id"`
	PipelineID           string   `json:"pipeline_id"`
	Cause                string   `json:"cause"`
	State                string   `json:"state"`
	CreationTime         int64    `json:"creation_time"`
	FullRefresh          bool     `json:"full_refresh"`
	ValidateOnly         bool     `json:"validate_only,omitempty"`
	RefreshSelection     []string `json:"refresh_selection,omitempty"`
	FullRefreshSelection []string `json:"full_refresh_selection,omitempty"`
	ClusterID            string   `json:"cluster_id,omitempty"`
	Mode                 string   `json:"mode,omitempty"`
}

func (srv *Server) restUpdate(u pipeUpdate) restUpdate {
	return restUpdate{
		UpdateID: u.updateID, PipelineID: u.pipelineID, Cause: updateCause(u.trigger), State: u.state(srv.sim.Now()),
		CreationTime: ms(u.start), FullRefresh: u.updateType == "FULL_REFRESH", ValidateOnly: u.updateType == "VALIDATE",
		RefreshSelection: u.refreshSel, FullRefreshSelection: u.fullSel, ClusterID: u.clusterID,
	}
}

// updateCause maps a pipeline_update_timeline trigger_type to the REST UpdateInfo cause.
func updateCause(trigger string) string {
	switch trigger {
	case "API_CALL", "INFRASTRUCTURE_MAINTENANCE", "JOB_TASK", "RETRY_ON_FAILURE", "SCHEMA_CHANGE", "SERVICE_UPGRADE", "USER_ACTION":
		return trigger
	case "SETTINGS_CHANGE", "START_RESOURCES", "SCHEMA_EXPLORATION":
		return "USER_ACTION"
	}
	return "API_CALL"
}

// rfc3339ms formats a time as the API does: UTC, milliseconds, Z.
func rfc3339ms(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
