package sim

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// jobPermissions is GET /api/2.0/permissions/jobs/{id}.
func (srv *Server) jobPermissions(w http.ResponseWriter, r *http.Request, _ User) error {
	id, err := jobIDParam(r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, ok, err := srv.job(r.Context(), id); err != nil {
		return err
	} else if !ok {
		return notFound("Job %s does not exist.", id)
	}
	return srv.writeACL(w, r.Context(), "job", id, "/jobs/"+id, "job", "/jobs/")
}

// pipelinePermissions is GET /api/2.0/permissions/pipelines/{id}.
func (srv *Server) pipelinePermissions(w http.ResponseWriter, r *http.Request, _ User) error {
	p, err := srv.pipelineParam(r)
	if err != nil {
		return err
	}
	return srv.writeACL(w, r.Context(), "pipeline", p.id, "/pipelines/"+p.id, "pipelines", "/pipelines/")
}

// writeACL answers an ObjectPermissions document from sim_internal.acls: one entry per
// principal with all its levels.
func (srv *Server) writeACL(w http.ResponseWriter, ctx context.Context, objectType, id, objectID, restType, parent string) error {
	rows, err := srv.sim.db.QueryContext(ctx, `SELECT COALESCE(principal_type, 'user'), principal, permission_level, COALESCE(inherited, false)
FROM sim.sim_internal.acls
WHERE workspace_id = ? AND object_type IN (?, ?) AND object_id = ?
ORDER BY CASE principal_type WHEN 'user' THEN 0 WHEN 'service_principal' THEN 1 ELSE 2 END, principal, permission_level`,
		srv.wsid, objectType, objectType+"s", id)
	if err != nil {
		return fmt.Errorf("reading the permissions of %s: %w", objectID, err)
	}
	defer rows.Close()
	type permission struct {
		PermissionLevel     string   `json:"permission_level"`
		Inherited           bool     `json:"inherited"`
		InheritedFromObject []string `json:"inherited_from_object,omitempty"`
	}
	type entry struct {
		UserName             string       `json:"user_name,omitempty"`
		GroupName            string       `json:"group_name,omitempty"`
		ServicePrincipalName string       `json:"service_principal_name,omitempty"`
		DisplayName          string       `json:"display_name,omitempty"`
		AllPermissions       []permission `json:"all_permissions"`
	}
	var acl []*entry
	byPrincipal := map[string]*entry{}
	for rows.Next() {
		var ptype, principal, level string
		var inherited bool
		if err := rows.Scan(&ptype, &principal, &level, &inherited); err != nil {
			return fmt.Errorf("reading the permissions of %s: %w", objectID, err)
		}
		e := byPrincipal[ptype+"/"+principal]
		if e == nil {
			e = &entry{}
			switch ptype {
			case "group":
				e.GroupName = principal
			case "service_principal":
				e.ServicePrincipalName, e.DisplayName = principal, displayName(principal)
			default:
				e.UserName, e.DisplayName = principal, displayName(principal)
			}
			byPrincipal[ptype+"/"+principal] = e
			acl = append(acl, e)
		}
		p := permission{PermissionLevel: level, Inherited: inherited}
		if inherited {
			p.InheritedFromObject = []string{parent}
		}
		e.AllPermissions = append(e.AllPermissions, p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading the permissions of %s: %w", objectID, err)
	}
	if acl == nil {
		acl = []*entry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object_id": objectID, "object_type": restType, "access_control_list": acl})
	return nil
}

// displayName is a principal's display name: the simulation's users have one; other people
// of the estate are named after their e-mail address.
func displayName(principal string) string {
	for _, u := range people {
		if u.UserName == principal {
			return u.DisplayName
		}
	}
	local, _, ok := strings.Cut(principal, "@")
	if !ok {
		return principal
	}
	words := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// me is GET /api/2.0/preview/scim/v2/Me.
func (srv *Server) me(w http.ResponseWriter, _ *http.Request, u User) error {
	writeJSON(w, http.StatusOK, scimUser(u))
	return nil
}

// scimUser is a user (or service principal) in SCIM's shape, with their groups.
func scimUser(u User) map[string]any {
	type value struct {
		Value   string `json:"value"`
		Display string `json:"display,omitempty"`
		Primary bool   `json:"primary,omitempty"`
		Type    string `json:"type,omitempty"`
		Ref     string `json:"$ref,omitempty"`
	}
	var emails, groups []value
	if strings.Contains(u.UserName, "@") {
		emails = []value{{Value: u.UserName, Primary: true, Type: "work"}}
	}
	for _, g := range u.Groups {
		id := groupID(g)
		groups = append(groups, value{Value: id, Display: g, Type: "direct", Ref: "Groups/" + id})
	}
	out := map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"id":          u.ID,
		"userName":    u.UserName,
		"displayName": u.DisplayName,
		"active":      true,
		"emails":      emails,
		"groups":      groups,
	}
	if !strings.Contains(u.UserName, "@") {
		out["schemas"] = []string{"urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"}
		out["applicationId"] = u.UserName
	}
	return out
}

// listUsers is GET /api/2.0/preview/scim/v2/Users and .../ServicePrincipals, answering the
// filters `userName eq "<name>"` and `applicationId eq "<id>"` (the only ones the cockpit
// sends) or, without a filter, everyone.
func (srv *Server) listUsers(w http.ResponseWriter, r *http.Request, _ User) error {
	sps := strings.HasSuffix(r.URL.Path, "/ServicePrincipals")
	filter := strings.TrimSpace(r.URL.Query().Get("filter"))
	want := ""
	if filter != "" {
		attr, val, ok := strings.Cut(filter, " eq ")
		val = strings.TrimSpace(val)
		if !ok || (attr != "userName" && attr != "applicationId") || len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
			return badRequest("Unsupported filter %q: use userName eq \"name\" or applicationId eq \"id\".", filter)
		}
		want = val[1 : len(val)-1]
	}
	var found []map[string]any
	for _, u := range people {
		if strings.Contains(u.UserName, "@") == sps || (want != "" && u.UserName != want) {
			continue
		}
		found = append(found, scimUser(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":      []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
		"totalResults": len(found), "itemsPerPage": len(found), "startIndex": 1, "Resources": found,
	})
	return nil
}

// groupID is a stable numeric SCIM id of a group.
func groupID(name string) string { return fmt.Sprint(h64("group", name) % 1_000_000_000_000_000) }

// workspaceFile reads a file of sim_internal.workspace_files. Paths are accepted with or
// without the /Workspace prefix, as the real API does.
func (srv *Server) workspaceFile(ctx context.Context, path string) (content string, modified time.Time, err error) {
	if path == "" {
		return "", time.Time{}, badRequest("Missing required field: path")
	}
	bare := strings.TrimPrefix(path, "/Workspace")
	err = srv.sim.db.QueryRowContext(ctx, `SELECT content, modified_at FROM sim.sim_internal.workspace_files
WHERE workspace_id = ? AND path IN (?, ?) ORDER BY modified_at DESC LIMIT 1`, srv.wsid, bare, "/Workspace"+bare).Scan(&content, &modified)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, notFound("Path (%s) doesn't exist.", path)
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return content, modified.UTC(), nil
}

// export is GET /api/2.0/workspace/export.
func (srv *Server) export(w http.ResponseWriter, r *http.Request, _ User) error {
	path := r.URL.Query().Get("path")
	direct, err := queryBool(r, "direct_download")
	if err != nil {
		return err
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "SOURCE", "AUTO", "RAW":
	default:
		return badRequest("Format %s is not supported for files: use SOURCE, AUTO or RAW.", f)
	}
	content, _, err := srv.workspaceFile(r.Context(), path)
	if err != nil {
		return err
	}
	if direct {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(content))
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"content": base64.StdEncoding.EncodeToString([]byte(content)), "file_type": "json"})
	return nil
}

// getStatus is GET /api/2.0/workspace/get-status.
func (srv *Server) getStatus(w http.ResponseWriter, r *http.Request, _ User) error {
	path := r.URL.Query().Get("path")
	content, modified, err := srv.workspaceFile(r.Context(), path)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"object_type": "FILE",
		"path":        path,
		"object_id":   int64(h64("file", srv.wsid, strings.TrimPrefix(path, "/Workspace")) % 1_000_000_000_000_000),
		"created_at":  ms(modified),
		"modified_at": ms(modified),
		"size":        len(content),
		"resource_id": fmt.Sprint(h64("file", srv.wsid, strings.TrimPrefix(path, "/Workspace")) % 1_000_000_000_000_000),
	})
	return nil
}
