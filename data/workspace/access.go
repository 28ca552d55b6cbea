package workspace

import (
	"context"
	"fmt"
	"strconv"

	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/pipelines"
)

// User is the signed-in user (or service principal) as SCIM reports it.
type User struct {
	ID          string
	UserName    string // e-mail address; the application id for a service principal
	DisplayName string
	Emails      []string
	// Groups are the display names of the groups SCIM lists for the user.
	Groups []string
}

// Me reads who the credentials sign in as.
func (c *Client) Me(ctx context.Context) (User, error) {
	u, err := c.w.CurrentUser.Me(ctx, iam.MeRequest{})
	if err != nil {
		return User{}, wrap(err, "reading the current user")
	}
	out := User{ID: u.Id, UserName: u.UserName, DisplayName: u.DisplayName}
	for _, e := range u.Emails {
		out.Emails = append(out.Emails, e.Value)
	}
	for _, g := range u.Groups {
		out.Groups = append(out.Groups, g.Display)
	}
	return out, nil
}

// ACL is the access control list of a job or pipeline.
type ACL struct {
	ObjectID   string // "/jobs/123", "/pipelines/<id>"
	ObjectType string
	Entries    []ACE
}

// ACE is one principal's entry: exactly one of UserName, GroupName and
// ServicePrincipalName is set.
type ACE struct {
	UserName             string
	GroupName            string
	ServicePrincipalName string
	DisplayName          string
	Grants               []Grant
}

// Grant is one permission level a principal holds, directly or inherited.
type Grant struct {
	Level         string // CAN_VIEW, CAN_MANAGE_RUN, CAN_RUN, IS_OWNER, CAN_MANAGE
	Inherited     bool
	InheritedFrom []string
}

// JobPermissions reads the access control list of a job.
func (c *Client) JobPermissions(ctx context.Context, jobID int64) (ACL, error) {
	p, err := c.w.Jobs.GetPermissions(ctx, jobs.GetJobPermissionsRequest{JobId: strconv.FormatInt(jobID, 10)})
	if err != nil {
		return ACL{}, wrap(err, fmt.Sprintf("reading the permissions of job %d", jobID))
	}
	acl := ACL{ObjectID: p.ObjectId, ObjectType: p.ObjectType}
	for _, a := range p.AccessControlList {
		e := ACE{UserName: a.UserName, GroupName: a.GroupName, ServicePrincipalName: a.ServicePrincipalName, DisplayName: a.DisplayName}
		for _, g := range a.AllPermissions {
			e.Grants = append(e.Grants, Grant{Level: string(g.PermissionLevel), Inherited: g.Inherited, InheritedFrom: g.InheritedFromObject})
		}
		acl.Entries = append(acl.Entries, e)
	}
	return acl, nil
}

// PipelinePermissions reads the access control list of a pipeline.
func (c *Client) PipelinePermissions(ctx context.Context, pipelineID string) (ACL, error) {
	op := fmt.Sprintf("reading the permissions of pipeline %s", pipelineID)
	if err := checkID("pipeline id", pipelineID); err != nil {
		return ACL{}, wrap(err, op)
	}
	p, err := c.w.Pipelines.GetPermissions(ctx, pipelines.GetPipelinePermissionsRequest{PipelineId: pipelineID})
	if err != nil {
		return ACL{}, wrap(err, op)
	}
	acl := ACL{ObjectID: p.ObjectId, ObjectType: p.ObjectType}
	for _, a := range p.AccessControlList {
		e := ACE{UserName: a.UserName, GroupName: a.GroupName, ServicePrincipalName: a.ServicePrincipalName, DisplayName: a.DisplayName}
		for _, g := range a.AllPermissions {
			e.Grants = append(e.Grants, Grant{Level: string(g.PermissionLevel), Inherited: g.Inherited, InheritedFrom: g.InheritedFromObject})
		}
		acl.Entries = append(acl.Entries, e)
	}
	return acl, nil
}

// Levels lists the permission levels an ACL gives the user: through entries for their user
// name, for them as a service principal (SCIM's userName is the application id), or for
// one of their groups.
func Levels(me User, acl ACL) []string {
	groups := map[string]bool{}
	for _, g := range me.Groups {
		groups[g] = true
	}
	var out []string
	for _, e := range acl.Entries {
		mine := e.UserName != "" && e.UserName == me.UserName ||
			e.ServicePrincipalName != "" && e.ServicePrincipalName == me.UserName ||
			e.GroupName != "" && groups[e.GroupName]
		if !mine {
			continue
		}
		for _, g := range e.Grants {
			out = append(out, g.Level)
		}
	}
	return out
}

// MayRunJob reports whether a job's ACL lets the user run it ("Run now" needs
// CAN_MANAGE_RUN, IS_OWNER or CAN_MANAGE). The workspace's answer to the run itself stays
// authoritative: nested groups, for one, may not show in SCIM's list.
func MayRunJob(me User, acl ACL) bool {
	for _, l := range Levels(me, acl) {
		switch l {
		case "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE":
			return true
		}
	}
	return false
}

// Job is what the cockpit needs of a job definition.
type Job struct {
	ID              int64
	Name            string
	Tags            map[string]string
	CreatorUserName string
	RunAsUserName   string
	// DeploymentKind is BUNDLE for jobs deployed by an asset bundle; MetadataFilePath is then
	// the bundle's metadata.json in the workspace (see BundleMetadata).
	DeploymentKind   string
	MetadataFilePath string
	Tasks            []string
	TimeoutSeconds   int
}

// Job reads a job's current definition. An unknown job is ErrNotFound.
func (c *Client) Job(ctx context.Context, jobID int64) (Job, error) {
	j, err := c.w.Jobs.Get(ctx, jobs.GetJobRequest{JobId: jobID})
	if err != nil {
		return Job{}, wrap(err, fmt.Sprintf("reading job %d", jobID))
	}
	out := Job{ID: j.JobId, CreatorUserName: j.CreatorUserName, RunAsUserName: j.RunAsUserName}
	if s := j.Settings; s != nil {
		out.Name, out.Tags, out.TimeoutSeconds = s.Name, s.Tags, s.TimeoutSeconds
		if d := s.Deployment; d != nil {
			out.DeploymentKind, out.MetadataFilePath = string(d.Kind), d.MetadataFilePath
		}
		for _, t := range s.Tasks {
			out.Tasks = append(out.Tasks, t.TaskKey)
		}
	}
	return out, nil
}
